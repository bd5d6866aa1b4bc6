// Package harness holds what the Terratest suites under test/ share: the
// repository layout, Terraform options built the way tfgate builds them, the
// local emulator's lifetime, and small readers for plan JSON. It imports
// terratest's terraform module only (not test-structure, which drags in the
// Kubernetes client), so the plan and policy suites stay cheap to build.
package harness

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Environments in order of growing enforcement.
var Environments = []string{"dev", "staging", "production"}

// Root returns the repository root: the nearest parent of the working
// directory that holds go.mod. `go test` runs each package in its own
// directory, so every suite finds the same root.
func Root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("harness: working directory: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("harness: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Stage runs fn as a subtest named after the stage, so a failure reads
// "--- FAIL: TestE2ELocal/verify/rds" and the log says which stage to
// re-run; it returns whether the stage passed, so later stages that need
// it can be skipped.
func Stage(t *testing.T, name string, fn func(t *testing.T)) bool {
	t.Helper()
	ok := t.Run(name, func(t *testing.T) {
		t.Logf("stage %s: start", name)
		fn(t)
	})
	if !ok {
		t.Logf("STAGE FAILED: %s", name)
	}
	return ok
}

// Step is Stage for places where subtests are not allowed (t.Cleanup): it
// runs fn on t and logs the step's name if it made the test fail.
func Step(t testing.TB, name string, fn func()) {
	t.Helper()
	before, done := t.Failed(), false
	defer func() {
		if !done || (!before && t.Failed()) {
			t.Logf("STEP FAILED: %s", name)
		}
	}()
	fn()
	done = true
}

// RequireTools fails (never skips) when a tool the suite needs is missing:
// the suites are the project's confidence, so a missing tool is an error the
// CI log must show, not a silent skip.
func RequireTools(t testing.TB, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := lookPath(n); err != nil {
			t.Fatalf("harness: %s not found on PATH: %v (install it; CI installs terraform and pip moto[server]==5.2.1)", n, err)
		}
	}
}

func lookPath(name string) (string, error) {
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: not in PATH", name)
}
