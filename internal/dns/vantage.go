package dns

import (
	"fmt"
	"net/netip"

	"github.com/aksnet/aksnet/internal/model"
)

// Lookup resolves name from a vantage the way a process there does: its
// resolv.conf, its libc's stub resolver, and every server on the way.
func (e *Engine) Lookup(v model.Vantage, name string, family Family, tr *Trace) (StubResult, error) {
	if v.Kind == model.VantageInternet {
		r := e.publicAnswer(Question{Name: name, Type: model.TypeA}, tr)
		res := StubResult{Answer: r.Answer, Addrs: r.Addrs()}
		if len(res.Addrs) > 0 {
			res.Name = name
		} else {
			res.Err = EAINoName
		}
		return res, nil
	}
	rc, ex, err := e.exchange(v, tr)
	if err != nil {
		return StubResult{}, err
	}
	return lookup(rc, name, family, ex, tr != nil), nil
}

// Query sends one question, as dig does, to the vantage's first nameserver
// (no search list): for record types getaddrinfo does not ask.
func (e *Engine) Query(v model.Vantage, q Question, tr *Trace) (Reply, error) {
	if v.Kind == model.VantageInternet {
		return e.publicAnswer(q, tr), nil
	}
	rc, ex, err := e.exchange(v, tr)
	if err != nil {
		return Reply{}, err
	}
	if len(rc.Nameservers) == 0 {
		return Reply{RCode: Timeout}, nil
	}
	return ex(rc.Nameservers[0], q), nil
}

// exchange returns a vantage's resolv.conf and how its queries reach a
// nameserver: from its address (a pod's, through its node: overlay pods are
// SNATed to the node's address), and to CoreDNS when a pod asks its
// cluster's DNS service IP.
func (e *Engine) exchange(v model.Vantage, tr *Trace) (*model.ResolvConf, Exchange, error) {
	rc, err := e.resolvConf(v)
	if err != nil {
		return nil, nil, err
	}
	var core *CoreDNS
	if v.Kind == model.VantagePod {
		core = e.coredns[model.Lookup[model.Cluster](e.t, v.Cluster)]
		if core == nil {
			return nil, nil, fmt.Errorf("vantage %s: the cluster has no CoreDNS (its first node pool has no subnet)", v)
		}
		v = model.Vantage{Kind: model.VantageNode, Cluster: v.Cluster}
	}
	src, err := e.addrOf(v)
	if err != nil {
		return nil, nil, err
	}
	s := e.session(tr)
	return rc, func(server netip.Addr, q Question) Reply {
		if core != nil && server == core.cluster.EffectiveDNSServiceIP() {
			return s.askCoreDNS(core, server, q)
		}
		return s.ask(src, server, q)
	}, nil
}

// askCoreDNS is a pod's query to its cluster's CoreDNS through the kube-dns
// service.
func (s *session) askCoreDNS(core *CoreDNS, server netip.Addr, q Question) Reply {
	e, tr := s.e, s.tr
	if e.down[server] {
		tr.add(core.name, q, Timeout, model.Location{}, "CoreDNS is down")
		return Reply{RCode: Timeout}
	}
	if tr == nil {
		// Not memoised: in bulk every (cluster, candidate) is new, and
		// what CoreDNS forwards is memoised at the server it reaches.
		return core.Resolve(q, &s.up, nil)
	}
	mark := tr.open(core.name+" ("+server.String()+")", q, "asked by the pod through the kube-dns service")
	tr.in()
	r := core.Resolve(q, &s.up, tr)
	tr.out()
	tr.close(mark, r.RCode)
	return r
}

// publicAnswer asks public DNS, recording its steps in the trace.
func (e *Engine) publicAnswer(q Question, tr *Trace) Reply {
	if tr == nil {
		return e.public.Lookup(q)
	}
	r, steps := e.public.Resolve(q)
	for _, st := range steps {
		tr.add("public DNS", Question{Name: st.Name, Type: st.Type}, r.RCode, st.Loc, "%s", st.Note)
	}
	return r
}

// resolvConf derives a vantage's resolv.conf once; the engine is read-only.
func (e *Engine) resolvConf(v model.Vantage) (*model.ResolvConf, error) {
	if rc, ok := e.rcs.Load(v); ok {
		return rc.(*model.ResolvConf), nil
	}
	rc, err := e.t.ResolvConf(v)
	if err != nil {
		return nil, err
	}
	e.rcs.Store(v, rc)
	return rc, nil
}

// addrOf is the address a vantage's queries leave from.
func (e *Engine) addrOf(v model.Vantage) (netip.Addr, error) {
	switch v.Kind {
	case model.VantageVM:
		if vm := model.Lookup[model.VM](e.t, v.Name); vm != nil {
			return vm.IP, nil
		}
		if i := model.Lookup[model.EC2Instance](e.t, v.Name); i != nil {
			return i.IP, nil
		}
	case model.VantageHost:
		if v.Name != "" {
			if h := model.Lookup[model.Host](e.t, v.Site+"/"+v.Name); h != nil {
				return h.IP, nil
			}
		}
		if s := model.Lookup[model.Site](e.t, v.Site); s != nil && len(s.AddressSpace) > 0 {
			return s.AddressSpace[0].Addr().Next(), nil
		}
	case model.VantageNode:
		if c := model.Lookup[model.Cluster](e.t, v.Cluster); c != nil && len(c.NodePools) > 0 && c.NodePools[0].Subnet.Target != nil {
			// A node's address: the first one Azure hands out in the subnet.
			a := c.NodePools[0].Subnet.Target.Prefix.Masked().Addr()
			for i := 0; i < 4; i++ {
				a = a.Next()
			}
			return a, nil
		}
	}
	return netip.Addr{}, fmt.Errorf("vantage %s: no address for it in the topology", v)
}
