package load

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	policyv1alpha1 "sigs.k8s.io/network-policy-api/apis/v1alpha1"
	policyv1alpha2 "sigs.k8s.io/network-policy-api/apis/v1alpha2"

	"github.com/aksnet/aksnet/internal/model"
)

// The Kubernetes types aksnet reads are decoded by apimachinery itself, with
// strict field checking, so a manifest means here what it means to kubectl.
var (
	kubeScheme = runtime.NewScheme()
	kubeCodecs serializer.CodecFactory
)

func init() {
	utilruntime.Must(corev1.AddToScheme(kubeScheme))
	utilruntime.Must(appsv1.AddToScheme(kubeScheme))
	utilruntime.Must(batchv1.AddToScheme(kubeScheme))
	utilruntime.Must(networkingv1.AddToScheme(kubeScheme))
	utilruntime.Must(discoveryv1.AddToScheme(kubeScheme))
	// AdminNetworkPolicy, BaselineAdminNetworkPolicy (v1alpha1) and
	// ClusterNetworkPolicy (v1alpha2), with the types of the API's own module.
	utilruntime.Must(policyv1alpha1.Install(kubeScheme))
	utilruntime.Must(policyv1alpha2.Install(kubeScheme))
	kubeCodecs = serializer.NewCodecFactory(kubeScheme, serializer.EnableStrict)
}

// clusterObjects reads the manifests a cluster lists. It does not touch the
// cluster, so that it can run while the topology is linked; attach then
// files the result.
func clusterObjects(files Files, topologyFile string, c *model.Cluster) (*model.KubeObjects, model.ErrorList) {
	var errs model.ErrorList
	objs := &model.KubeObjects{}
	for _, rel := range c.Kubernetes.Manifests {
		p := files.Join(topologyFile, rel)
		list, err := files.List(p)
		if err != nil {
			errs.Add(model.Errorf(c.Kubernetes.Loc, "cluster %s: manifests %q: %s", c.Name, rel, describe(err)).
				WithHint("paths are relative to the topology file"))
			continue
		}
		if len(list) == 0 {
			errs.Add(model.Errorf(c.Kubernetes.Loc, "cluster %s: manifests %q: the folder holds no .yaml, .yml or .json file, and no Corefile, *.server or *.override file", c.Name, rel))
		}
		errs = append(errs, readManifests(files, list, objs)...)
	}
	errs = append(errs, duplicateObjects(objs)...)
	return objs, errs
}

// attach files a cluster's objects and folds its coredns-custom ConfigMap in.
func attach(c *model.Cluster, objs *model.KubeObjects) model.ErrorList {
	c.Objects = objs
	return mergeCoreDNSCustom(c)
}

// Manifests decodes the Kubernetes objects of one file (multi-document YAML,
// JSON, kind: List) into objs. Each document is parsed once by yaml.v3; its
// nodes give the JSON apimachinery decodes and the lines errors point at.
func Manifests(file string, data []byte, objs *model.KubeObjects) model.ErrorList {
	var errs model.ErrorList
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			if err == io.EOF {
				break
			}
			e := syntaxError(file, data, err)
			e.Msg = "manifest: " + e.Msg
			errs.Add(e)
			break // the YAML stream cannot be followed past a syntax error
		}
		if len(doc.Content) == 0 || isNull(doc.Content[0]) {
			continue // an empty document, or only comments
		}
		root := doc.Content[0]
		at := model.Location{File: file, Line: root.Line, Column: root.Column}
		js, err := toJSON(root)
		if err != nil {
			eat := at
			var ne *nodeError
			if errors.As(err, &ne) {
				eat = model.Location{File: file, Line: ne.line, Column: ne.column}
				err = errors.New(ne.msg)
			}
			errs.Add(model.Errorf(eat, "manifest: %v", err).WithHint("check this document's YAML"))
			continue
		}
		errs = append(errs, decodeJSONObject(root, js, at, objs)...)
	}
	return errs
}

func decodeJSONObject(root *yaml.Node, js []byte, at model.Location, objs *model.KubeObjects) model.ErrorList {
	var errs model.ErrorList
	tm, err := typeMeta(root, js)
	if err != nil {
		return model.ErrorList{model.Errorf(at, "manifest is not an object: %s", err).
			WithHint("a Kubernetes manifest is a mapping with apiVersion, kind and metadata")}
	}
	if tm.Kind == "" || tm.APIVersion == "" {
		return model.ErrorList{model.Errorf(at, "manifest has no apiVersion or kind").
			WithHint("every Kubernetes object starts with apiVersion and kind")}
	}
	if tm.Kind == "List" {
		var list metav1.List
		if err := json.Unmarshal(js, &list); err != nil {
			return model.ErrorList{model.Errorf(at, "kind List: %s", err)}
		}
		_, items := mappingEntry(root, "items")
		for i, item := range list.Items {
			itemNode, itemAt := (*yaml.Node)(nil), at
			if items != nil && items.Kind == yaml.SequenceNode && i < len(items.Content) {
				itemNode = items.Content[i]
				itemAt = model.Location{File: at.File, Line: itemNode.Line, Column: itemNode.Column}
			}
			errs = append(errs, decodeJSONObject(itemNode, item.Raw, itemAt, objs)...)
		}
		return errs
	}
	obj, _, err := kubeCodecs.UniversalDeserializer().Decode(js, nil, nil)
	if err != nil {
		switch {
		case runtime.IsNotRegisteredError(err):
			m := objectMeta(js)
			objs.Skipped = append(objs.Skipped, &model.SkippedObject{APIVersion: tm.APIVersion, Kind: tm.Kind,
				Namespace: m.Namespace, Name: m.Name, Loc: at})
			return nil
		case runtime.IsStrictDecodingError(err):
			var sde interface{ Errors() []error }
			if errors.As(err, &sde) {
				for _, e := range sde.Errors() {
					errs.Add(model.Errorf(fieldLocation(root, at, e.Error()), "%s %s: %s", tm.Kind, objectName(js), e.Error()).
						WithHint("fix or remove the field; kubectl would reject it too"))
				}
			} else {
				errs.Add(model.Errorf(at, "%s: %s", tm.Kind, err.Error()))
			}
			return errs
		default:
			return model.ErrorList{model.Errorf(typeErrorLocation(root, at, err.Error()), "%s %s: %s", tm.Kind, objectName(js), err.Error())}
		}
	}
	if meta.IsListType(obj) {
		// A typed list (PodList, NamespaceList, NetworkPolicyList … as the
		// API returns them) is unpacked like kind: List; its items carry no
		// kind of their own.
		items, err := meta.ExtractList(obj)
		if err != nil {
			return model.ErrorList{model.Errorf(at, "%s: %s", tm.Kind, err)}
		}
		_, itemNodes := mappingEntry(root, "items")
		itemTM := metav1.TypeMeta{APIVersion: tm.APIVersion, Kind: strings.TrimSuffix(tm.Kind, "List")}
		for i, item := range items {
			itemAt := at
			if itemNodes != nil && itemNodes.Kind == yaml.SequenceNode && i < len(itemNodes.Content) {
				itemAt = model.Location{File: at.File, Line: itemNodes.Content[i].Line, Column: itemNodes.Content[i].Column}
			}
			add(item, itemTM, itemAt, objs)
		}
		return nil
	}
	add(obj, tm, at, objs)
	return nil
}

// typeMeta reads apiVersion and kind from the document's node when they are
// plain values there (cheaper than a JSON pass), else from the JSON.
func typeMeta(root *yaml.Node, js []byte) (metav1.TypeMeta, error) {
	var tm metav1.TypeMeta
	if root != nil && root.Kind == yaml.MappingNode {
		_, a := mappingEntry(root, "apiVersion")
		_, k := mappingEntry(root, "kind")
		if a != nil && k != nil && a.Kind == yaml.ScalarNode && k.Kind == yaml.ScalarNode && a.Tag == "!!str" && k.Tag == "!!str" {
			tm.APIVersion, tm.Kind = a.Value, k.Value
			return tm, nil
		}
	}
	err := json.Unmarshal(js, &tm)
	return tm, err
}

// add files a decoded object under its kind; pod templates of controllers
// become workloads.
func add(obj runtime.Object, tm metav1.TypeMeta, at model.Location, objs *model.KubeObjects) {
	workload := func(m metav1.ObjectMeta, replicas *int32, tmpl corev1.PodTemplateSpec) {
		r := int32(1)
		if replicas != nil {
			r = *replicas
		}
		objs.Workloads = append(objs.Workloads, &model.Workload{Kind: tm.Kind, Namespace: nsOf(m.Namespace),
			Name: m.Name, Replicas: r, Template: tmpl, Loc: at})
	}
	switch o := obj.(type) {
	case *corev1.Namespace:
		if o.Labels == nil {
			o.Labels = map[string]string{}
		}
		// The API server sets this label on every namespace (k8s 1.22+).
		o.Labels[corev1.LabelMetadataName] = o.Name
		objs.Namespaces = append(objs.Namespaces, &model.Namespace{Namespace: o, Loc: at})
	case *corev1.Service:
		o.Namespace = nsOf(o.Namespace)
		objs.Services = append(objs.Services, &model.Service{Service: o, Loc: at})
	case *corev1.Pod:
		workload(o.ObjectMeta, nil, corev1.PodTemplateSpec{ObjectMeta: o.ObjectMeta, Spec: o.Spec})
		w := objs.Workloads[len(objs.Workloads)-1]
		for _, ip := range o.Status.PodIPs {
			w.PodIPs = append(w.PodIPs, ip.IP)
		}
		if len(w.PodIPs) == 0 && o.Status.PodIP != "" {
			w.PodIPs = []string{o.Status.PodIP}
		}
	case *appsv1.Deployment:
		workload(o.ObjectMeta, o.Spec.Replicas, o.Spec.Template)
	case *appsv1.StatefulSet:
		workload(o.ObjectMeta, o.Spec.Replicas, o.Spec.Template)
	case *appsv1.ReplicaSet:
		workload(o.ObjectMeta, o.Spec.Replicas, o.Spec.Template)
	case *appsv1.DaemonSet:
		workload(o.ObjectMeta, nil, o.Spec.Template)
	case *batchv1.Job:
		workload(o.ObjectMeta, o.Spec.Parallelism, o.Spec.Template)
	case *batchv1.CronJob:
		workload(o.ObjectMeta, o.Spec.JobTemplate.Spec.Parallelism, o.Spec.JobTemplate.Spec.Template)
	case *networkingv1.NetworkPolicy:
		o.Namespace = nsOf(o.Namespace)
		objs.NetworkPolicies = append(objs.NetworkPolicies, &model.NetworkPolicy{NetworkPolicy: o, Loc: at})
	case *policyv1alpha1.AdminNetworkPolicy:
		objs.AdminNetworkPolicies = append(objs.AdminNetworkPolicies, &model.AdminNetworkPolicy{AdminNetworkPolicy: o, Loc: at})
	case *policyv1alpha1.BaselineAdminNetworkPolicy:
		objs.BaselineAdminNetworkPolicies = append(objs.BaselineAdminNetworkPolicies, &model.BaselineAdminNetworkPolicy{BaselineAdminNetworkPolicy: o, Loc: at})
	case *policyv1alpha2.ClusterNetworkPolicy:
		objs.ClusterNetworkPolicies = append(objs.ClusterNetworkPolicies, &model.ClusterNetworkPolicy{ClusterNetworkPolicy: o, Loc: at})
	case *networkingv1.Ingress:
		o.Namespace = nsOf(o.Namespace)
		objs.Ingresses = append(objs.Ingresses, &model.Ingress{Ingress: o, Loc: at})
	//lint:ignore SA1019 manifests written for older clusters still hold v1 Endpoints
	case *corev1.Endpoints:
		o.Namespace = nsOf(o.Namespace)
		objs.Endpoints = append(objs.Endpoints, &model.Endpoints{Endpoints: o, Loc: at})
	case *discoveryv1.EndpointSlice:
		o.Namespace = nsOf(o.Namespace)
		objs.EndpointSlices = append(objs.EndpointSlices, &model.EndpointSlice{EndpointSlice: o, Loc: at})
	case *corev1.ConfigMap:
		if o.Namespace == "kube-system" && o.Name == "coredns-custom" {
			objs.CoreDNSCustom = append(objs.CoreDNSCustom, &model.ConfigMap{ConfigMap: o, Loc: at})
			return
		}
		objs.Skipped = append(objs.Skipped, &model.SkippedObject{APIVersion: tm.APIVersion, Kind: tm.Kind,
			Namespace: o.Namespace, Name: o.Name, Loc: at})
	default:
		sk := &model.SkippedObject{APIVersion: tm.APIVersion, Kind: tm.Kind, Loc: at}
		if m, err := meta.Accessor(obj); err == nil {
			sk.Namespace, sk.Name = m.GetNamespace(), m.GetName()
		}
		objs.Skipped = append(objs.Skipped, sk)
	}
}

func nsOf(ns string) string {
	if ns == "" {
		return corev1.NamespaceDefault
	}
	return ns
}

// mergeCoreDNSCustom folds a coredns-custom ConfigMap from the manifests into
// the cluster's corednsCustom; a key given both ways is an error rather than a
// silent choice.
func mergeCoreDNSCustom(c *model.Cluster) model.ErrorList {
	return mergeCoreDNSCustomMaps(c, c.Objects.CoreDNSCustom)
}

// mergeCoreDNSCustomMaps folds the given coredns-custom ConfigMaps into the
// cluster's corednsCustom, each key located at its ConfigMap (or Corefile
// file), so that a mistake inside a key points there.
func mergeCoreDNSCustomMaps(c *model.Cluster, cms []*model.ConfigMap) model.ErrorList {
	var errs model.ErrorList
	for _, cm := range cms {
		if c.CoreDNSCustom == nil {
			c.CoreDNSCustom = map[string]string{}
		}
		keys := make([]string, 0, len(cm.Data))
		for k := range cm.Data {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if _, dup := c.CoreDNSCustom[k]; dup {
				errs.Add(model.Errorf(cm.Loc, "cluster %s: coredns-custom key %q is given twice", c.Name, k).
					WithHint("keep it either in the topology's corednsCustom or in the ConfigMap"))
				continue
			}
			if !strings.HasSuffix(k, ".server") && !strings.HasSuffix(k, ".override") {
				errs.Add(model.Errorf(cm.Loc, "cluster %s: coredns-custom key %q must end in .server or .override", c.Name, k).
					WithHint("AKS imports only custom/*.server and custom/*.override (coredns-custom.md)"))
				continue
			}
			c.CoreDNSCustom[k] = cm.Data[k]
			if c.CoreDNSCustomLoc == nil {
				c.CoreDNSCustomLoc = map[string]model.Location{}
			}
			c.CoreDNSCustomLoc[k] = cm.Loc
		}
	}
	return errs
}

// duplicateObjects reports two objects of one kind with one namespace and
// name: the second would replace the first in a cluster.
func duplicateObjects(objs *model.KubeObjects) model.ErrorList {
	var errs model.ErrorList
	seen := map[string]model.Location{}
	check := func(kind, ns, name string, at model.Location) {
		k := kind + "/" + ns + "/" + name
		if prev, ok := seen[k]; ok {
			errs.Add(model.Errorf(at, "%s %s/%s is declared twice (first at %s)", kind, ns, name, prev).
				WithHint("the second would replace the first; rename or remove one"))
			return
		}
		seen[k] = at
	}
	for _, n := range objs.Namespaces {
		check("Namespace", "", n.Name, n.Loc)
	}
	for _, s := range objs.Services {
		check("Service", s.Namespace, s.Name, s.Loc)
	}
	for _, w := range objs.Workloads {
		check(w.Kind, w.Namespace, w.Name, w.Loc)
	}
	for _, p := range objs.NetworkPolicies {
		check("NetworkPolicy", p.Namespace, p.Name, p.Loc)
	}
	for _, i := range objs.Ingresses {
		check("Ingress", i.Namespace, i.Name, i.Loc)
	}
	for _, p := range objs.AdminNetworkPolicies {
		check("AdminNetworkPolicy", "", p.Name, p.Loc)
	}
	for _, p := range objs.BaselineAdminNetworkPolicies {
		check("BaselineAdminNetworkPolicy", "", p.Name, p.Loc)
	}
	for _, p := range objs.ClusterNetworkPolicies {
		check("ClusterNetworkPolicy", "", p.Name, p.Loc)
	}
	for _, e := range objs.Endpoints {
		check("Endpoints", e.Namespace, e.Name, e.Loc)
	}
	for _, e := range objs.EndpointSlices {
		check("EndpointSlice", e.Namespace, e.Name, e.Loc)
	}
	return errs
}

func objectMeta(js []byte) metav1.ObjectMeta {
	var meta struct {
		Metadata metav1.ObjectMeta `json:"metadata"`
	}
	_ = json.Unmarshal(js, &meta)
	return meta.Metadata
}

func objectName(js []byte) string {
	m := objectMeta(js)
	switch {
	case m.Name == "":
		return "(unnamed)"
	case m.Namespace != "":
		return m.Namespace + "/" + m.Name
	}
	return m.Name
}

// fieldLocation finds the line of the field a strict-decoding message names
// (`unknown field "spec.template.spec.containers[0].imagePull"`), falling back
// to the document's first line.
func fieldLocation(root *yaml.Node, at model.Location, msg string) model.Location {
	_, rest, ok := strings.Cut(msg, `"`)
	if !ok || root == nil {
		return at
	}
	fieldPath, _, _ := strings.Cut(rest, `"`)
	n := root
	var last *yaml.Node
	for _, part := range strings.Split(fieldPath, ".") {
		name, idx := part, -1
		if i := strings.IndexByte(part, '['); i >= 0 && strings.HasSuffix(part, "]") {
			name = part[:i]
			idx, _ = strconv.Atoi(part[i+1 : len(part)-1])
		}
		key, val := mappingEntry(n, name)
		if key == nil {
			break
		}
		last, n = key, val
		if idx >= 0 {
			if n.Kind != yaml.SequenceNode || idx >= len(n.Content) {
				break
			}
			n = n.Content[idx]
		}
	}
	if last == nil {
		return at
	}
	return model.Location{File: at.File, Line: last.Line, Column: last.Column}
}

// typeErrorLocation locates a JSON type error ("cannot unmarshal string into
// Go struct field DeploymentSpec.spec.replicas of type int32") at its field.
func typeErrorLocation(root *yaml.Node, at model.Location, msg string) model.Location {
	_, rest, ok := strings.Cut(msg, "Go struct field ")
	if !ok {
		return at
	}
	field, _, _ := strings.Cut(rest, " of type")
	if _, p, ok := strings.Cut(field, "."); ok {
		return fieldLocation(root, at, `"`+p+`"`)
	}
	return at
}

func mappingEntry(n *yaml.Node, name string) (key, val *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == name {
			return n.Content[i], n.Content[i+1]
		}
	}
	return nil, nil
}

// readManifests decodes each listed file into objs: a Corefile or
// coredns-custom key file into the DNS configuration, anything else as
// Kubernetes manifests.
func readManifests(files Files, list []string, objs *model.KubeObjects) model.ErrorList {
	var errs model.ErrorList
	for _, f := range list {
		data, err := files.ReadFile(f)
		if err != nil {
			errs.Add(model.Errorf(model.Location{File: f}, "cannot read manifest: %s", describe(err)))
			continue
		}
		if isCoreDNSFile(f) {
			errs.Add(CoreDNSFile(f, data, objs))
			continue
		}
		errs = append(errs, Manifests(f, data, objs)...)
	}
	return errs
}
