package load

import (
	"bytes"
	"runtime"
	"sort"
	"sync"

	"go.yaml.in/yaml/v3"
)

// Parsing YAML is most of the cost of loading a large estate (yaml.v3 reads
// about 20 MB/s), and a topology is one big mapping of independent sections.
// parseSections parses a plain block-style document section by section
// (top-level keys, and the second-level keys of azure:, aws: …) on all
// cores, with line numbers kept exact, and assembles the same node tree a
// single parse gives. Whenever the text uses something that could tie
// sections together or that the line scan does not understand — anchors,
// aliases, tags, directives, several documents, tabs, flow collections
// spanning sections — it declines and the caller parses sequentially, so the
// result and every error message are those of a plain yaml.v3 parse.

// splitThreshold is the size from which a topology is parsed in sections; a
// variable so tests and the fuzzer can exercise the split path on small
// inputs.
var splitThreshold = 256 << 10

type section struct {
	key      string // top-level key
	keyLine  int    // 1-based
	start    int    // byte offset of the chunk's first line
	end      int    // byte offset after its last line
	firstLn  int    // 1-based line of start
	children []section
	// parts split a long list value (azure.privateEndpoints) at item
	// boundaries; every part after the first is a continuation, parsed under
	// a copy of the key line.
	parts []section
	cont  bool
}

// partLines is the size a long list is cut into, in lines; a variable so
// tests can cut small lists.
var partLines = 8000

// parseSections returns the root mapping node, or nil when the document is
// not one it can split safely.
func parseSections(data []byte) *yaml.Node {
	if len(data) < splitThreshold || bytes.ContainsAny(data, "\t\r") || hasNodeProperties(data) ||
		bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) || bytes.Contains(data, []byte("<<")) {
		return nil
	}
	secs, ok := scanSections(data)
	if !ok || len(secs) == 0 {
		return nil
	}
	// Parse every leaf chunk, biggest first, on all cores.
	var leaves []*section
	for i := range secs {
		if len(secs[i].children) == 0 {
			leaves = append(leaves, &secs[i])
			continue
		}
		for j := range secs[i].children {
			c := &secs[i].children[j]
			c.parts = splitItems(data, c)
			if c.parts == nil {
				leaves = append(leaves, c)
				continue
			}
			for k := range c.parts {
				leaves = append(leaves, &c.parts[k])
			}
		}
	}
	order := make([]int, len(leaves))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool {
		return leaves[order[a]].end-leaves[order[a]].start > leaves[order[b]].end-leaves[order[b]].start
	})
	results := make([]*yaml.Node, len(leaves))
	failed := false
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := 0
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				if next == len(order) || failed {
					mu.Unlock()
					return
				}
				i := order[next]
				next++
				mu.Unlock()
				n := parseChunk(data, leaves[i])
				mu.Lock()
				if n == nil {
					failed = true
				}
				results[i] = n
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if failed {
		return nil
	}
	// The lines between a split section's key and its first child (the key
	// line itself, comments) belong to no chunk: check them on their own.
	for _, s := range secs {
		if len(s.children) > 0 {
			if !parses(data[s.start:s.children[0].start]) {
				return nil
			}
		}
	}
	// Assemble the tree a single parse would give.
	root := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: secs[0].keyLine, Column: 1}
	li := 0
	for _, s := range secs {
		if len(s.children) == 0 {
			m := results[li]
			li++
			root.Content = append(root.Content, m.Content...)
			continue
		}
		key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s.key, Line: s.keyLine, Column: 1}
		val := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: s.children[0].keyLine, Column: 3}
		for _, c := range s.children {
			first := results[li]
			li++
			for range c.parts[min(1, len(c.parts)):] {
				// A continuation's list items extend the first part's list.
				more := results[li]
				li++
				if first.Content[1].Kind != yaml.SequenceNode || more.Content[1].Kind != yaml.SequenceNode {
					return nil
				}
				first.Content[1].Content = append(first.Content[1].Content, more.Content[1].Content...)
			}
			val.Content = append(val.Content, first.Content...)
		}
		root.Content = append(root.Content, key, val)
	}
	return root
}

// parseChunk parses one section as a document of its own, prefixed with
// newlines so that its lines keep their numbers. It must hold exactly one
// key.
func parseChunk(data []byte, s *section) *yaml.Node {
	var buf []byte
	shift := s.firstLn - 1
	if s.cont {
		// The key line stands on the line before the part's first item.
		buf = make([]byte, 0, len(s.key)+4+s.end-s.start)
		buf = append(buf, "  "+s.key+":\n"...)
		shift--
	}
	buf = append(buf, data[s.start:s.end]...)
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(buf))
	if err := dec.Decode(&doc); err != nil || len(doc.Content) != 1 {
		return nil
	}
	var extra yaml.Node
	if dec.Decode(&extra) == nil {
		return nil
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode || len(m.Content) != 2 {
		return nil
	}
	// Give the nodes the lines they have in the whole file. (Prefixing the
	// chunk with newlines would do the same at the cost of scanning them.)
	shiftLines(m, shift)
	return m
}

func shiftLines(n *yaml.Node, by int) {
	n.Line += by
	for _, c := range n.Content {
		shiftLines(c, by)
	}
}

// scanSections finds the top-level keys and, for keys whose value is a block
// mapping indented by two spaces, the second-level keys.
func scanSections(data []byte) ([]section, bool) {
	var secs []section
	lineNo := 0
	for off := 0; off < len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		next := len(data)
		if end >= 0 {
			next = off + end + 1
		}
		line := data[off:next]
		lineNo++
		body := bytes.TrimRight(line, "\n ")
		switch {
		case len(body) == 0 || body[0] == '#':
			// blank or comment: belongs to the current section
		case body[0] == ' ':
			if len(secs) == 0 {
				return nil, false // content before the first key
			}
			cur := &secs[len(secs)-1]
			if cur.children != nil && indent(body) < 2 {
				return nil, false // would close the two-space mapping oddly
			}
			if indent(body) == 2 && cur.children != nil {
				k, ok := keyOf(body[2:])
				if !ok {
					return nil, false
				}
				cur.children[len(cur.children)-1].end = off
				cur.children = append(cur.children, section{key: k, keyLine: lineNo, start: off, firstLn: lineNo})
			} else if cur.children == nil && cur.end == -1 {
				// First content line of a block value: split it if it is a
				// mapping indented by two.
				if indent(body) == 2 {
					if k, ok := keyOf(body[2:]); ok {
						cur.children = []section{{key: k, keyLine: lineNo, start: off, firstLn: lineNo}}
					}
				}
				cur.end = 0 // seen content
			}
		case body[0] == '-' || body[0] == '[' || body[0] == '{' || body[0] == '.':
			return nil, false // not a block mapping at the top
		default:
			k, ok := keyOf(body)
			if !ok {
				return nil, false
			}
			closeSection(secs, off)
			s := section{key: k, keyLine: lineNo, start: off, firstLn: lineNo}
			if len(secs) == 0 {
				// The first chunk also holds the comments and blank lines
				// above it, so that every byte is parsed (and checked).
				s.start, s.firstLn = 0, 1
			}
			if rest := bytes.TrimSpace(body[len(k)+1:]); len(rest) == 0 || rest[0] == '#' {
				s.end = -1 // a block value follows
			}
			secs = append(secs, s)
		}
		off = next
	}
	closeSection(secs, len(data))
	return secs, true
}

// hasNodeProperties reports whether the text may hold an anchor (&a), an
// alias (*a), a tag (!t) or a directive (%YAML): anything that starts a
// token. Inside a quoted scalar or after other text they are harmless, but
// the check is conservative: a false alarm only costs the sequential parse.
func hasNodeProperties(data []byte) bool {
	for i, c := range data {
		switch c {
		case '&', '*', '!':
			if i == 0 {
				return true
			}
			switch data[i-1] {
			case ' ', '\n', '[', '{', ',', '-', ':':
				return true
			}
		case '%':
			if i == 0 || data[i-1] == '\n' {
				return true
			}
		}
	}
	return false
}

// splitItems cuts a second-level section whose value is a block list
// indented by four ("  key:" then "    - item" lines) into parts of about
// partLines lines at item boundaries. It returns nil when the section is
// short or is not such a list.
func splitItems(data []byte, c *section) []section {
	text := data[c.start:c.end]
	if bytes.Count(text, []byte{'\n'}) < 2*partLines {
		return nil
	}
	if rest := bytes.TrimSpace(bytes.TrimPrefix(text[:bytes.IndexByte(text, '\n')], []byte("  "+c.key+":"))); len(rest) > 0 && rest[0] != '#' {
		return nil // the value is on the key line
	}
	parts := []section{{key: c.key, keyLine: c.keyLine, start: c.start, firstLn: c.firstLn}}
	lineNo, sinceCut, items := c.firstLn, 0, false
	off := c.start + bytes.IndexByte(text, '\n') + 1
	for off < c.end {
		lineNo++
		sinceCut++
		end := bytes.IndexByte(data[off:c.end], '\n')
		next := c.end
		if end >= 0 {
			next = off + end + 1
		}
		body := bytes.TrimRight(data[off:next], "\n ")
		if len(body) > 0 && body[0] != '#' && bytes.TrimLeft(body, " ")[0] != '#' {
			switch in := indent(body); {
			case in < 4, in > 4 && !items:
				return nil // not a list whose items stand at column 5
			case in == 4:
				if body[4] != '-' || len(body) > 5 && body[5] != ' ' {
					return nil // a mapping, not a list
				}
				items = true
				if sinceCut >= partLines {
					parts[len(parts)-1].end = off
					parts = append(parts, section{key: c.key, keyLine: c.keyLine, start: off, firstLn: lineNo, cont: true})
					sinceCut = 0
				}
			}
		}
		off = next
	}
	parts[len(parts)-1].end = c.end
	if len(parts) == 1 {
		return nil
	}
	return parts
}

func closeSection(secs []section, off int) {
	if len(secs) == 0 {
		return
	}
	cur := &secs[len(secs)-1]
	cur.end = off
	if n := len(cur.children); n > 0 {
		cur.children[n-1].end = off
	}
}

func indent(b []byte) int {
	n := 0
	for n < len(b) && b[n] == ' ' {
		n++
	}
	return n
}

// keyOf returns the key of a line "key:" or "key: value" whose key is a plain
// identifier.
func keyOf(b []byte) (string, bool) {
	i := 0
	for i < len(b) && (b[i] >= 'a' && b[i] <= 'z' || b[i] >= 'A' && b[i] <= 'Z' || b[i] >= '0' && b[i] <= '9' && i > 0 || b[i] == '_') {
		i++
	}
	if i == 0 || i >= len(b) || b[i] != ':' || (i+1 < len(b) && b[i+1] != ' ') {
		return "", false
	}
	return string(b[:i]), true
}
