// Command aksnet is an offline twin of an AKS estate's private network: it
// resolves names from any vantage, checks designs, plans addresses and
// evaluates reachability, from a topology file or the embedded example.
package main

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"
)

func main() {
	tuneGC()
	err := newRootCmd().Execute()
	if err == nil {
		return
	}
	var ex *exitError
	if errors.As(err, &ex) {
		if ex.msg != "" {
			fmt.Fprintln(os.Stderr, ex.msg)
		}
		os.Exit(ex.code)
	}
	fmt.Fprintln(os.Stderr, "aksnet:", err)
	os.Exit(2)
}

// tuneGC lets the heap grow to five times the live data between
// collections (GOGC=400) unless the user set GOGC. aksnet runs briefly and
// allocates most in loading, where the default spends about a sixth of the
// time collecting garbage that lives until exit (docs/performance.md).
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}

// exitError carries a process exit code through cobra: 1 for findings, 2
// for usage or input errors.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }
