package main

import (
	"bytes"
	"errors"
	"testing"
)

// The scripts in testdata/script/plan_*.txtar specify plan's output; this
// pins its exit codes, which a script can only see as zero or not: 0 when
// everything fits, 1 when something does not, 2 for bad input.
func TestPlanExitCodes(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"plan", "--plugin", "azure", "--nodes", "50", "--max-pods", "30"}, 0},
		{[]string{"plan"}, 0},
		{[]string{"plan", "--plugin", "azure", "--nodes", "8", "--max-pods", "30", "--subnet", "10.1.0.0/24"}, 1},
		{[]string{"plan", "--plugin", "overlay", "--nodes", "9", "--surge", "0", "--outbound-ports", "8000"}, 1},
		{[]string{"plan", "--plugin", "azure", "--nodes", "40", "--vnet", "10.20.0.0/22", "--fit"}, 1},
		{[]string{"plan", "--plugin", "calico", "--nodes", "3"}, 2},
		{[]string{"plan", "--plugin", "overlay", "--nodes", "3", "--max-pods", "300"}, 2},
		{[]string{"plan", "--plugin", "kubenet", "--nodes", "3", "--windows"}, 2},
		{[]string{"plan", "--plugin", "overlay", "--nodes", "3", "--fit"}, 2},
		{[]string{"plan", "--cluster", "nope"}, 2},
		{[]string{"plan", "-o", "yaml"}, 2},
	} {
		root := newRootCmd()
		var out, errOut bytes.Buffer
		root.SetOut(&out)
		root.SetErr(&errOut)
		root.SetArgs(c.args)
		err := root.Execute()
		code := 0
		if err != nil {
			code = 2 // main's default for an error that is not an exitError
			var ex *exitError
			if errors.As(err, &ex) {
				code = ex.code
			}
		}
		if code != c.code {
			t.Errorf("aksnet %v: exit code %d (%v), want %d", c.args, code, err, c.code)
		}
	}
}
