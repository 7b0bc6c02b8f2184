package tfimport

import (
	"errors"
	"io/fs"
	"sort"
	"strings"

	"github.com/aksnet/aksnet/internal/load"
	"github.com/aksnet/aksnet/internal/model"
)

// Sources are the inputs of one estate.
type Sources struct {
	// Topology is a topology file. With Terraform it completes the import
	// (load.Overlay); alone it is the estate.
	Topology string
	// Terraform are plan or state files, imported together: references
	// between them (a spoke's state naming the hub's VNet ID) resolve.
	Terraform []string
	// Kubernetes are manifest files or folders (and CoreDNS files) added
	// to the cluster named Cluster; Cluster may be empty when the estate
	// has one cluster.
	Kubernetes []string
	Cluster    string
}

// Estate is a loaded estate: a linked and validated topology, the import's
// warnings, and what was imported from each Terraform file.
type Estate struct {
	Topology *model.Topology
	Warnings model.ErrorList
	Files    []FileSummary
}

// Load reads an estate from its sources: Terraform files imported, the
// topology file laid over them, then linked and validated as a topology
// file is, and Kubernetes manifests attached. When the error list is not
// empty the topology must not be used.
func Load(files load.Files, src Sources) (*Estate, model.ErrorList) {
	if len(src.Terraform) == 0 {
		t, errs := load.Topology(files, src.Topology)
		if len(errs) > 0 {
			return nil, errs
		}
		est := &Estate{Topology: t}
		if errs := AttachKubernetes(files, t, src.Kubernetes, src.Cluster); len(errs) > 0 {
			return nil, errs
		}
		return est, nil
	}
	var overlay *load.Overlay
	var opts Options
	if src.Topology != "" {
		o, errs := load.ReadOverlay(files, src.Topology)
		if len(errs) > 0 {
			return nil, errs
		}
		overlay, opts.Declared = o, o.Declares
	}
	var (
		tf   []File
		errs model.ErrorList
	)
	for _, name := range src.Terraform {
		data, err := files.ReadFile(name)
		if err != nil {
			errs.Add(model.Errorf(model.Location{File: name}, "cannot read Terraform file: %s", describe(err)).
				WithHint("give the output of terraform show -json, or a terraform.tfstate"))
			continue
		}
		tf = append(tf, File{Name: name, Data: data})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	res, errs := Import(tf, opts)
	if len(errs) > 0 {
		return nil, errs
	}
	t := res.Topology
	if overlay != nil {
		errs = append(errs, overlay.Apply(t)...)
	}
	errs = append(errs, t.Link()...)
	errs = append(errs, t.Validate()...)
	for _, c := range t.Azure.Clusters {
		if len(c.Kubernetes.Manifests) > 0 && src.Topology != "" {
			errs = append(errs, load.ClusterManifests(files, src.Topology, c)...)
		} else if c.Objects == nil {
			c.Objects = &model.KubeObjects{}
		}
	}
	if len(errs) == 0 {
		errs = append(errs, AttachKubernetes(files, t, src.Kubernetes, src.Cluster)...)
	}
	if len(errs) > 0 {
		errs.Sort()
		return nil, errs
	}
	return &Estate{Topology: t, Warnings: res.Warnings, Files: res.Files}, nil
}

// AttachKubernetes adds the manifests at paths to the cluster named
// cluster (the only cluster, when cluster is empty).
func AttachKubernetes(files load.Files, t *model.Topology, paths []string, cluster string) model.ErrorList {
	if len(paths) == 0 {
		if cluster != "" {
			return model.ErrorList{model.Errorf(model.Location{}, "--cluster %s names the cluster of Kubernetes manifests, but no --k8s path is given", cluster).
				WithHint("add --k8s PATH")}
		}
		return nil
	}
	var names []string
	for _, c := range t.Azure.Clusters {
		names = append(names, c.Name)
	}
	sort.Strings(names)
	var c *model.Cluster
	switch {
	case cluster != "":
		c = model.Lookup[model.Cluster](t, cluster)
		if c == nil {
			e := model.Errorf(model.Location{}, "--cluster %s: the estate has no such cluster", cluster)
			if s := model.Closest(cluster, names); s != "" {
				return model.ErrorList{e.WithHint("did you mean %s?", s)}
			}
			if len(names) == 0 {
				return model.ErrorList{e.WithHint("the estate declares no AKS cluster")}
			}
			return model.ErrorList{e.WithHint("its clusters: %s", strings.Join(names, ", "))}
		}
	case len(t.Azure.Clusters) == 1:
		c = t.Azure.Clusters[0]
	case len(t.Azure.Clusters) == 0:
		return model.ErrorList{model.Errorf(model.Location{}, "--k8s: the estate declares no AKS cluster to attach manifests to")}
	default:
		return model.ErrorList{model.Errorf(model.Location{}, "--k8s: the estate has %d clusters; say which with --cluster", len(names)).
			WithHint("its clusters: %s", strings.Join(names, ", "))}
	}
	errs := load.AddManifests(files, c, paths)
	errs.Sort()
	return errs
}

// describe turns a file error into words a user can act on.
func describe(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file or folder"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
