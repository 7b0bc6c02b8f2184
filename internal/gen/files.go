package gen

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/aksnet/aksnet/internal/load"
)

// Files adapts Generate's map to load.Files, so that an estate loads without
// touching disk:
//
//	m, _ := gen.Generate(p)
//	t, errs := load.Bytes(gen.Files(m), gen.TopologyFile, m[gen.TopologyFile])
//
// Paths are slash-separated and relative, as Generate writes them.
type Files map[string][]byte

var _ load.Files = Files(nil)

// ReadFile returns the content of name.
func (f Files) ReadFile(name string) ([]byte, error) {
	data, ok := f[path.Clean(name)]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return data, nil
}

// List returns name when it is a file, or the manifest files (.yaml, .yml,
// .json) below it, sorted, when it is a folder.
func (f Files) List(name string) ([]string, error) {
	name = path.Clean(name)
	if _, ok := f[name]; ok {
		return []string{name}, nil
	}
	dir := name + "/"
	if name == "." {
		dir = ""
	}
	var out []string
	found := false
	for p := range f {
		if !strings.HasPrefix(p, dir) {
			continue
		}
		found = true
		switch strings.ToLower(path.Ext(p)) {
		case ".yaml", ".yml", ".json":
			out = append(out, p)
		}
	}
	if !found {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
	}
	slices.Sort(out)
	return out, nil
}

// Join resolves rel against the folder of from.
func (f Files) Join(from, rel string) string { return path.Join(path.Dir(from), rel) }

// WriteDir generates the estate p and writes its files under dir (created if
// needed): dir/topology.yaml and dir/k8s/CLUSTER.yaml.
func WriteDir(p Params, dir string) error {
	files, err := Generate(p)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		target := filepath.Join(dir, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return fmt.Errorf("gen: %w", err)
		}
		if err := os.WriteFile(target, files[n], 0o644); err != nil {
			return fmt.Errorf("gen: %w", err)
		}
	}
	return nil
}
