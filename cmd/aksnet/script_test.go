package main

import (
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// The command-line behaviour is specified by the scripts in testdata/script:
// each runs aksnet as a user would and asserts its output and exit code.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"aksnet": main,
	})
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: false,
		Setup: func(env *testscript.Env) error {
			env.Setenv("HOME", env.WorkDir)
			return nil
		},
	})
}
