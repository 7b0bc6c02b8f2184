package load

import "go.yaml.in/yaml/v3"

// Hooks for the external tests.
var (
	ParseSections = parseSections
	ParseWhole    = func(name string, data []byte) (*yaml.Node, error) {
		n, err := parseWhole(name, data)
		if err != nil {
			return nil, err
		}
		return n, nil
	}
)

// SetPartLines sets the size long lists are cut into, returning the old value.
func SetPartLines(n int) int {
	old := partLines
	partLines = n
	return old
}

// SetSplitThreshold sets the size from which topologies are parsed in
// sections, returning the old value.
func SetSplitThreshold(n int) int {
	old := splitThreshold
	splitThreshold = n
	return old
}
