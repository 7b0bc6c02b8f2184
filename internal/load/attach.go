package load

import (
	"github.com/aksnet/aksnet/internal/model"
)

// ClusterManifests reads the manifests cluster c lists under
// kubernetes.manifests, relative to topologyFile, and attaches them. Topology
// does this itself; this is for a topology assembled another way (an import
// completed by a topology file).
func ClusterManifests(files Files, topologyFile string, c *model.Cluster) model.ErrorList {
	objs, errs := clusterObjects(files, topologyFile, c)
	return append(errs, attach(c, objs)...)
}

// AddManifests reads Kubernetes manifests and CoreDNS files from paths
// (files or folders, as given on a command line) and adds their objects to
// cluster c, next to those it already has: the same object twice, or a
// coredns-custom key given twice, is an error.
func AddManifests(files Files, c *model.Cluster, paths []string) model.ErrorList {
	var errs model.ErrorList
	added := &model.KubeObjects{}
	for _, p := range paths {
		list, err := files.List(p)
		if err != nil {
			errs.Add(model.Errorf(model.Location{File: p}, "cannot read Kubernetes manifests for cluster %s: %s", c.Name, describe(err)))
			continue
		}
		if len(list) == 0 {
			errs.Add(model.Errorf(model.Location{File: p}, "cluster %s: the folder holds no .yaml, .yml or .json file, and no Corefile, *.server or *.override file", c.Name))
		}
		errs = append(errs, readManifests(files, list, added)...)
	}
	if c.Objects == nil {
		c.Objects = &model.KubeObjects{}
	}
	o := c.Objects
	o.Namespaces = append(o.Namespaces, added.Namespaces...)
	o.Services = append(o.Services, added.Services...)
	o.Workloads = append(o.Workloads, added.Workloads...)
	o.NetworkPolicies = append(o.NetworkPolicies, added.NetworkPolicies...)
	o.Ingresses = append(o.Ingresses, added.Ingresses...)
	o.Endpoints = append(o.Endpoints, added.Endpoints...)
	o.EndpointSlices = append(o.EndpointSlices, added.EndpointSlices...)
	o.CoreDNSCustom = append(o.CoreDNSCustom, added.CoreDNSCustom...)
	o.Skipped = append(o.Skipped, added.Skipped...)
	errs = append(errs, duplicateObjects(o)...)
	errs = append(errs, mergeCoreDNSCustomMaps(c, added.CoreDNSCustom)...)
	errs.Sort()
	return errs
}
