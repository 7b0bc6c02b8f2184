package main

import (
	"testing"

	"github.com/spf13/cobra"
)

// Every command a user can reach has a worked example in its help.
func TestEveryCommandHasAnExample(t *testing.T) {
	var visit func(c *cobra.Command)
	n := 0
	visit = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" {
			return
		}
		n++
		if c.Example == "" && c.Parent() != nil && c.Parent().Name() != "completion" {
			t.Errorf("%q has no example", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			visit(sub)
		}
	}
	visit(newRootCmd())
	if n < 9 {
		t.Errorf("visited %d commands; expected at least 9", n)
	}
}
