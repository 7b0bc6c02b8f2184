// Command aksnet is an offline twin of an AKS estate's private network: it
// resolves names from any vantage, checks designs, plans addresses and
// evaluates reachability, from a topology file or the embedded example.
package main

import (
	"errors"
	"fmt"
	"os"
)

func main() {
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

// exitError carries a process exit code through cobra: 1 for findings, 2
// for usage or input errors.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }
