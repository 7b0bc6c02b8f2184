package serve

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/aksnet/aksnet/internal/model"
)

// ParseView parses a --view flag: ADDR=VANTAGE, e.g.
// 127.0.0.1:5353=pod:aks-prod/backend/api.
func ParseView(spec string) (View, error) {
	addr, vantage, ok := strings.Cut(spec, "=")
	if !ok || addr == "" || vantage == "" {
		return View{}, fmt.Errorf("--view %q: write ADDR=VANTAGE, e.g. 127.0.0.1:5353=pod:aks-prod/backend/api", spec)
	}
	return newView(addr, vantage)
}

func newView(addr, vantage string) (View, error) {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return View{}, fmt.Errorf("listen address %q: write HOST:PORT, e.g. 127.0.0.1:5353", addr)
	}
	v, err := model.ParseVantage(vantage)
	if err != nil {
		return View{}, err
	}
	return View{Listen: addr, Vantage: v}, nil
}

// configFile is the views file (aksnet serve --config), docs/serve.md.
type configFile struct {
	Views []configView `yaml:"views"`
}

type configView struct {
	Name        string   `yaml:"name"`
	Listen      string   `yaml:"listen"`
	As          string   `yaml:"as"`
	Down        []string `yaml:"down"`
	TimeoutMode string   `yaml:"timeoutMode"`
}

// unknownField rewrites yaml.v3's "line N: field X not found in type T".
var unknownField = regexp.MustCompile(`line (\d+): field (\S+) not found in type \S+`)

// ReadConfig reads a views file. Errors name the file and, where yaml.v3
// says, the line.
func ReadConfig(path string) ([]View, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseConfig(path, data)
}

// ParseConfig parses a views file's content.
func ParseConfig(name string, data []byte) ([]View, error) {
	var c configFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			var lines []string
			for _, e := range te.Errors {
				e = unknownField.ReplaceAllString(e, `line $1: unknown field "$2" (known: views, and in a view name, listen, as, down, timeoutMode)`)
				lines = append(lines, name+": "+e)
			}
			return nil, errors.New(strings.Join(lines, "\n"))
		}
		return nil, fmt.Errorf("%s: %v", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(c.Views) == 0 {
		return nil, fmt.Errorf("%s: no views (write views: [{listen: 127.0.0.1:5353, as: VANTAGE}])", name)
	}
	var out []View
	for i, cv := range c.Views {
		where := fmt.Sprintf("%s: views[%d]", name, i)
		if cv.Listen == "" || cv.As == "" {
			return nil, fmt.Errorf("%s: listen and as are required", where)
		}
		v, err := newView(cv.Listen, cv.As)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", where, err)
		}
		mode, ok := ParseTimeoutMode(cv.TimeoutMode)
		if !ok {
			return nil, fmt.Errorf("%s: timeoutMode %q: choose servfail or drop", where, cv.TimeoutMode)
		}
		v.Name, v.Down, v.TimeoutMode = cv.Name, cv.Down, mode
		out = append(out, v)
	}
	return out, nil
}
