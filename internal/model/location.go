package model

import (
	"fmt"
	"sort"
	"strings"
)

// Location is where an element was declared: a line of a topology file, a
// Kubernetes manifest, or a Terraform address. Every finding points at one,
// so that a user knows which line to change.
type Location struct {
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
	// TFAddress is the Terraform resource address when the element was imported.
	TFAddress string `json:"terraformAddress,omitempty"`
}

// String renders file:line:column, the form editors and CI annotators jump to.
func (l Location) String() string {
	switch {
	case l.TFAddress != "" && l.File != "":
		return l.File + ": " + l.TFAddress
	case l.TFAddress != "":
		return l.TFAddress
	case l.Line > 0 && l.Column > 0:
		return fmt.Sprintf("%s:%d:%d", l.File, l.Line, l.Column)
	case l.Line > 0:
		return fmt.Sprintf("%s:%d", l.File, l.Line)
	default:
		return l.File
	}
}

// IsZero reports whether nothing is known of the location.
func (l Location) IsZero() bool { return l == Location{} }

// Error is one located problem in an input: what is wrong, where, and what to do.
type Error struct {
	Loc  Location
	Msg  string
	Hint string // what to do; "did you mean …" where it fits
}

func (e *Error) Error() string {
	s := e.Msg
	if e.Hint != "" {
		s += " (" + e.Hint + ")"
	}
	if e.Loc.IsZero() {
		return s
	}
	return e.Loc.String() + ": " + s
}

// Errorf makes a located error.
func Errorf(at Location, format string, args ...any) *Error {
	return &Error{Loc: at, Msg: fmt.Sprintf(format, args...)}
}

// WithHint returns e with its hint set, for chaining.
func (e *Error) WithHint(format string, args ...any) *Error {
	e.Hint = fmt.Sprintf(format, args...)
	return e
}

// ErrorList collects every problem of a load, so that a user sees them all at
// once instead of fixing one per run.
type ErrorList []*Error

// Add appends an error; nil is ignored so callers can add results directly.
func (l *ErrorList) Add(e *Error) {
	if e != nil {
		*l = append(*l, e)
	}
}

// Sort orders errors by file, line and column, the order a reader scans.
func (l ErrorList) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i].Loc, l[j].Loc
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}

func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Err returns the list as an error, or nil when it is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}
