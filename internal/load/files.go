package load

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Files is where a topology and the manifests it includes are read from: the
// operating system's files, or an embedded tree such as the default estate.
type Files interface {
	ReadFile(name string) ([]byte, error)
	// List returns the files below name when it is a folder (recursively,
	// sorted), or name itself when it is a file.
	List(name string) ([]string, error)
	// Join resolves an included path relative to the including file.
	Join(from, rel string) string
}

// OSFiles reads the operating system's files.
type OSFiles struct{}

func (OSFiles) ReadFile(name string) ([]byte, error) { return os.ReadFile(name) }

func (OSFiles) Join(from, rel string) string {
	if filepath.IsAbs(rel) {
		return rel
	}
	return filepath.Join(filepath.Dir(from), rel)
}

func (OSFiles) List(name string) ([]string, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return []string{name}, nil
	}
	var out []string
	err = filepath.WalkDir(name, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && isManifest(p) {
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// FSFiles reads an fs.FS, such as the embedded examples.
type FSFiles struct{ FS fs.FS }

func (f FSFiles) ReadFile(name string) ([]byte, error) { return fs.ReadFile(f.FS, name) }

func (f FSFiles) Join(from, rel string) string { return path.Join(path.Dir(from), rel) }

func (f FSFiles) List(name string) ([]string, error) {
	if !fs.ValidPath(name) {
		return nil, fmt.Errorf("%s: path leaves the embedded tree", name)
	}
	st, err := fs.Stat(f.FS, name)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return []string{name}, nil
	}
	var out []string
	err = fs.WalkDir(f.FS, name, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && isManifest(p) {
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// isManifest reports whether a file in a manifest folder is read: YAML and
// JSON, as kubectl apply -f DIR does, and CoreDNS configuration files
// (corefile.go).
func isManifest(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return isCoreDNSFile(p)
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
