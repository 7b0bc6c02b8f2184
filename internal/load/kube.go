package load

import (
	"bytes"
	"errors"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	sigsyaml "sigs.k8s.io/yaml"

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
	kubeCodecs = serializer.NewCodecFactory(kubeScheme, serializer.EnableStrict)
}

// clusterObjects loads the manifests a cluster lists.
func clusterObjects(files Files, topologyFile string, c *model.Cluster) model.ErrorList {
	var errs model.ErrorList
	objs := &model.KubeObjects{}
	c.Objects = objs
	for _, rel := range c.Kubernetes.Manifests {
		p := files.Join(topologyFile, rel)
		list, err := files.List(p)
		if err != nil {
			errs.Add(model.Errorf(c.Kubernetes.Loc, "cluster %s: manifests %q: %s", c.Name, rel, describe(err)).
				WithHint("paths are relative to the topology file"))
			continue
		}
		if len(list) == 0 {
			errs.Add(model.Errorf(c.Kubernetes.Loc, "cluster %s: manifests %q: the folder holds no .yaml, .yml or .json file", c.Name, rel))
		}
		for _, f := range list {
			data, err := files.ReadFile(f)
			if err != nil {
				errs.Add(model.Errorf(model.Location{File: f}, "cannot read manifest: %s", describe(err)))
				continue
			}
			errs = append(errs, Manifests(f, data, objs)...)
		}
	}
	errs = append(errs, mergeCoreDNSCustom(c)...)
	errs = append(errs, duplicateObjects(objs)...)
	return errs
}

// Manifests decodes the Kubernetes objects of one file (multi-document YAML,
// JSON, kind: List) into objs.
func Manifests(file string, data []byte, objs *model.KubeObjects) model.ErrorList {
	var errs model.ErrorList
	for _, doc := range splitDocuments(data) {
		if len(bytes.TrimSpace(stripComments(doc.data))) == 0 {
			continue
		}
		at := model.Location{File: file, Line: doc.line}
		errs = append(errs, decodeObject(file, doc.data, at, objs)...)
	}
	return errs
}

type document struct {
	data []byte
	line int // 1-based line of the document's first line in the file
}

// splitDocuments splits a YAML stream at its "---" separators, keeping each
// document's starting line so errors can point into the file.
func splitDocuments(data []byte) []document {
	var docs []document
	start, line, startLine := 0, 1, 1
	for i := 0; i <= len(data); i++ {
		if i == len(data) || data[i] == '\n' {
			lineEnd := i
			text := data[start:lineEnd]
			if bytes.HasPrefix(text, []byte("---")) && (len(text) == 3 || text[3] == ' ' || text[3] == '\r' || text[3] == '\t') {
				// The separator line ends the previous document.
				docs = append(docs, document{data: data[offsetOfLine(data, startLine):start], line: startLine})
				startLine = line + 1
			}
			start = i + 1
			line++
		}
	}
	docs = append(docs, document{data: data[offsetOfLine(data, startLine):], line: startLine})
	return docs
}

func offsetOfLine(data []byte, line int) int {
	off := 0
	for l := 1; l < line && off < len(data); l++ {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			return len(data)
		}
		off += i + 1
	}
	return off
}

func stripComments(b []byte) []byte {
	var out []byte
	for _, l := range bytes.Split(b, []byte("\n")) {
		t := bytes.TrimSpace(l)
		if len(t) > 0 && t[0] != '#' {
			out = append(out, t...)
		}
	}
	return out
}

// decodeObject decodes one document: an object, or a List of objects.
func decodeObject(file string, data []byte, at model.Location, objs *model.KubeObjects) model.ErrorList {
	var errs model.ErrorList
	var tm metav1.TypeMeta
	if err := sigsyaml.Unmarshal(data, &tm); err != nil {
		return model.ErrorList{model.Errorf(at, "manifest is not valid YAML or JSON: %s", cleanYAMLError(err)).
			WithHint("check indentation and quoting in this document")}
	}
	if tm.Kind == "" || tm.APIVersion == "" {
		return model.ErrorList{model.Errorf(at, "manifest has no apiVersion or kind").
			WithHint("every Kubernetes object starts with apiVersion and kind")}
	}
	if tm.Kind == "List" {
		var list metav1.List
		if err := sigsyaml.Unmarshal(data, &list); err != nil {
			return model.ErrorList{model.Errorf(at, "kind List: %s", cleanYAMLError(err))}
		}
		for _, item := range list.Items {
			errs = append(errs, decodeObject(file, item.Raw, at, objs)...)
		}
		return errs
	}
	obj, _, err := kubeCodecs.UniversalDeserializer().Decode(data, nil, nil)
	if err != nil {
		switch {
		case runtime.IsNotRegisteredError(err):
			var meta struct {
				Metadata metav1.ObjectMeta `json:"metadata"`
			}
			_ = sigsyaml.Unmarshal(data, &meta)
			objs.Skipped = append(objs.Skipped, &model.SkippedObject{APIVersion: tm.APIVersion, Kind: tm.Kind,
				Namespace: meta.Metadata.Namespace, Name: meta.Metadata.Name, Loc: at})
			return nil
		case runtime.IsStrictDecodingError(err):
			var sde interface{ Errors() []error }
			if errors.As(err, &sde) {
				for _, e := range sde.Errors() {
					errs.Add(model.Errorf(fieldLocation(data, at, e.Error()), "%s %s: %s", tm.Kind, objectName(data), e.Error()).
						WithHint("fix or remove the field; kubectl would reject it too"))
				}
			} else {
				errs.Add(model.Errorf(at, "%s: %s", tm.Kind, err.Error()))
			}
			return errs
		default:
			return model.ErrorList{model.Errorf(at, "%s %s: %s", tm.Kind, objectName(data), err.Error())}
		}
	}
	add(obj, tm, at, objs)
	return nil
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
	case *networkingv1.Ingress:
		o.Namespace = nsOf(o.Namespace)
		objs.Ingresses = append(objs.Ingresses, &model.Ingress{Ingress: o, Loc: at})
	case *corev1.ConfigMap:
		if o.Namespace == "kube-system" && o.Name == "coredns-custom" {
			objs.CoreDNSCustom = append(objs.CoreDNSCustom, &model.ConfigMap{ConfigMap: o, Loc: at})
			return
		}
		objs.Skipped = append(objs.Skipped, &model.SkippedObject{APIVersion: tm.APIVersion, Kind: tm.Kind,
			Namespace: o.Namespace, Name: o.Name, Loc: at})
	default:
		objs.Skipped = append(objs.Skipped, &model.SkippedObject{APIVersion: tm.APIVersion, Kind: tm.Kind, Loc: at})
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
	var errs model.ErrorList
	for _, cm := range c.Objects.CoreDNSCustom {
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
	return errs
}

func objectName(data []byte) string {
	var meta struct {
		Metadata metav1.ObjectMeta `json:"metadata"`
	}
	if sigsyaml.Unmarshal(data, &meta) != nil || meta.Metadata.Name == "" {
		return "(unnamed)"
	}
	if meta.Metadata.Namespace != "" {
		return meta.Metadata.Namespace + "/" + meta.Metadata.Name
	}
	return meta.Metadata.Name
}

// fieldLocation finds the line of the field a strict-decoding message names
// (`unknown field "spec.template.spec.containers[0].imagePull"`), falling back
// to the document's first line.
func fieldLocation(data []byte, at model.Location, msg string) model.Location {
	_, rest, ok := strings.Cut(msg, `"`)
	if !ok {
		return at
	}
	fieldPath, _, _ := strings.Cut(rest, `"`)
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil || len(root.Content) == 0 {
		return at
	}
	n := root.Content[0]
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
	return model.Location{File: at.File, Line: at.Line + last.Line - 1, Column: last.Column}
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

func cleanYAMLError(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "error converting YAML to JSON: ")
	return strings.TrimPrefix(s, "yaml: ")
}
