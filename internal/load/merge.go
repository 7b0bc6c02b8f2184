package load

import "go.yaml.in/yaml/v3"

type pair struct{ key, value *yaml.Node }

// mappingPairs returns a mapping's key/value pairs as YAML means them, for
// the topology decoder and the manifest converter alike: merge keys (<<)
// expanded, recursively; explicit keys first, winning over merged ones; among
// merged mappings, the first that defines a key wins. Repeated explicit keys
// are all returned: callers report them. deref follows an alias (false:
// skip it); bad reports a malformed merge or key.
func mappingPairs(n *yaml.Node, deref func(*yaml.Node) (*yaml.Node, bool), bad func(at *yaml.Node, msg string)) []pair {
	var own, merged []pair
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			srcs := []*yaml.Node{v}
			if v.Kind == yaml.SequenceNode {
				srcs = v.Content
			}
			for _, s := range srcs {
				if s.Kind == yaml.AliasNode {
					var ok bool
					if s, ok = deref(s); !ok {
						continue
					}
				}
				if s.Kind != yaml.MappingNode {
					bad(s, "<< merges a mapping, got "+kindNames[s.Kind])
					continue
				}
				merged = append(merged, mappingPairs(s, deref, bad)...)
			}
			continue
		}
		if k.Kind != yaml.ScalarNode {
			bad(k, "a key must be a plain name, got "+kindNames[k.Kind])
			continue
		}
		own = append(own, pair{k, v})
	}
	if len(merged) == 0 {
		return own
	}
	defined := make(map[string]bool, len(own)+len(merged))
	for _, p := range own {
		defined[p.key.Value] = true
	}
	out := own
	for _, p := range merged {
		if !defined[p.key.Value] {
			defined[p.key.Value] = true
			out = append(out, p)
		}
	}
	return out
}
