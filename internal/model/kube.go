package model

import (
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
)

// KubeObjects are the Kubernetes objects of one cluster, as the API types of
// k8s.io/api, each with the place it was declared.
type KubeObjects struct {
	Namespaces      []*Namespace
	Services        []*Service
	Workloads       []*Workload
	NetworkPolicies []*NetworkPolicy
	Ingresses       []*Ingress
	// CoreDNSCustom are kube-system/coredns-custom ConfigMaps from the
	// manifests; their data is merged into Cluster.CoreDNSCustom.
	CoreDNSCustom []*ConfigMap
	// Skipped counts the objects of kinds aksnet does not model, by kind, so a
	// report can say what it ignored instead of dropping it silently.
	Skipped []*SkippedObject
}

// Namespace is a namespace with its labels.
type Namespace struct {
	*corev1.Namespace
	Loc Location
}

// Service is a Service.
type Service struct {
	*corev1.Service
	Loc Location
}

// NetworkPolicy is a networking.k8s.io/v1 NetworkPolicy.
type NetworkPolicy struct {
	*networkingv1.NetworkPolicy
	Loc Location
}

// ConfigMap is a ConfigMap the model reads (coredns-custom).
type ConfigMap struct {
	*corev1.ConfigMap
	Loc Location
}

// Ingress is a networking.k8s.io/v1 Ingress.
type Ingress struct {
	*networkingv1.Ingress
	Loc Location
}

// Workload is a Pod, or the pod template of a controller (Deployment,
// StatefulSet, DaemonSet, ReplicaSet, Job, CronJob): what DNS and policy
// engines need is the pods' labels and spec.
type Workload struct {
	Kind      string // Pod, Deployment, …
	Namespace string
	Name      string
	Replicas  int32
	Template  corev1.PodTemplateSpec
	Loc       Location
}

// SkippedObject is an object of a kind aksnet does not model.
type SkippedObject struct {
	APIVersion, Kind, Namespace, Name string
	Loc                               Location
}

// Namespace returns the namespace object named ns. Kubernetes creates
// nothing in a namespace that does not exist, but manifests often omit the
// Namespace object, so an undeclared namespace is implied, with the label
// kubernetes.io/metadata.name the API server sets on every namespace.
func (k *KubeObjects) Namespace(ns string) *Namespace {
	for _, n := range k.Namespaces {
		if n.Name == ns {
			return n
		}
	}
	obj := &corev1.Namespace{}
	obj.Name = ns
	obj.Labels = map[string]string{corev1.LabelMetadataName: ns}
	return &Namespace{Namespace: obj}
}

// Workload returns the workload (pod or controller) named name in ns.
func (k *KubeObjects) Workload(ns, name string) *Workload {
	for _, w := range k.Workloads {
		if w.Namespace == ns && w.Name == name {
			return w
		}
	}
	return nil
}

// Service returns the service named name in ns.
func (k *KubeObjects) Service(ns, name string) *Service {
	for _, s := range k.Services {
		if s.Namespace == ns && s.Name == name {
			return s
		}
	}
	return nil
}
