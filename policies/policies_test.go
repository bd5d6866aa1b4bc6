package policies_test

import (
	"bytes"
	"context"
	"io/fs"
	"strings"
	"testing"

	"github.com/saprism/tfgate/internal/policy"
	"github.com/saprism/tfgate/policies"
)

// TestLibrary runs the embedded library's Rego tests through OPA's tester
// (so `go test ./policies/...` covers them too) and requires >= 95% rule
// coverage.
func TestLibrary(t *testing.T) {
	rep, err := policy.RunTests(context.Background(), nil, true)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := rep.Write(&out); err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("rego tests failed:\n%s", out.String())
	}
	if rep.Coverage.Coverage < 95 {
		t.Fatalf("coverage %.2f%% < 95%%:\n%s", rep.Coverage.Coverage, out.String())
	}
}

// Every rule package is imported by a test file.
func TestEveryRulePackageIsTested(t *testing.T) {
	files, err := fs.Glob(policies.FS, "aws/*.rego")
	if err != nil {
		t.Fatal(err)
	}
	var tests strings.Builder
	var rules []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.rego") {
			b, err := fs.ReadFile(policies.FS, f)
			if err != nil {
				t.Fatal(err)
			}
			tests.Write(b)
			continue
		}
		rules = append(rules, strings.TrimSuffix(strings.TrimPrefix(f, "aws/"), ".rego"))
	}
	if len(rules) < 10 {
		t.Fatalf("only %d rule files embedded", len(rules))
	}
	for _, area := range rules {
		if !strings.Contains(tests.String(), "import data.tfgate.aws."+area+"\n") {
			t.Errorf("no test imports data.tfgate.aws.%s", area)
		}
	}
}
