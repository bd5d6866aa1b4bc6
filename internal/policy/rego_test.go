package policy

import (
	"bytes"
	"context"
	"testing"
)

// TestRegoLibrary runs every *_test.rego of the embedded library through
// OPA's tester and requires rule coverage of at least 95%.
func TestRegoLibrary(t *testing.T) {
	rep, err := RunTests(context.Background(), nil, true)
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
		t.Fatalf("rule coverage %.2f%% < 95%%:\n%s", rep.Coverage.Coverage, out.String())
	}
	t.Logf("%d rego tests passed, coverage %.2f%%", rep.Passed, rep.Coverage.Coverage)
}
