package suite

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/saprism/tfgate/internal/report"
)

const goTestJSON = `{"Action":"start","Package":"example/test/plan"}
{"Action":"run","Package":"example/test/plan","Test":"TestPlan"}
{"Action":"output","Package":"example/test/plan","Test":"TestPlan","Output":"=== RUN   TestPlan\n"}
{"Action":"run","Package":"example/test/plan","Test":"TestPlan/dev"}
{"Action":"output","Package":"example/test/plan","Test":"TestPlan/dev","Output":"    plan_test.go:50: 161 resources\n"}
{"Action":"pass","Package":"example/test/plan","Test":"TestPlan/dev","Elapsed":12.5}
{"Action":"run","Package":"example/test/plan","Test":"TestPlan/production"}
{"Action":"output","Package":"example/test/plan","Test":"TestPlan/production","Output":"    plan_test.go:61: multi_az is false\n"}
{"Action":"fail","Package":"example/test/plan","Test":"TestPlan/production","Elapsed":13}
{"Action":"run","Package":"example/test/plan","Test":"TestAWS"}
{"Action":"skip","Package":"example/test/plan","Test":"TestAWS","Elapsed":0}
{"Action":"fail","Package":"example/test/plan","Test":"TestPlan","Elapsed":25.5}
{"Action":"output","Package":"example/test/plan","Output":"FAIL\texample/test/plan\t25.6s\n"}
{"Action":"fail","Package":"example/test/plan","Elapsed":25.6}
`

func TestCollectorAndJUnit(t *testing.T) {
	c := newCollector()
	var out bytes.Buffer
	c.read(strings.NewReader(goTestJSON), &out, false)
	if c.passed != 1 || c.failed != 2 || c.skipped != 1 || c.buildFailed {
		t.Errorf("counts: passed %d failed %d skipped %d build %v", c.passed, c.failed, c.skipped, c.buildFailed)
	}
	if !strings.Contains(out.String(), "multi_az is false") || strings.Contains(out.String(), "161 resources") {
		t.Errorf("non-verbose output shows failures only:\n%s", out.String())
	}
	path := filepath.Join(t.TempDir(), "r", "junit.xml")
	if err := c.writeJUnit(path); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	var doc report.JUnitSuites
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("junit does not parse: %v\n%s", err, data)
	}
	if doc.Tests != 4 || doc.Failures != 2 || doc.Skipped != 1 || len(doc.Suites) != 1 {
		t.Errorf("junit totals: %+v", doc)
	}
	var failed []string
	for _, tc := range doc.Suites[0].Cases {
		if tc.Failure != nil {
			failed = append(failed, tc.Name)
		}
	}
	if strings.Join(failed, ",") != "TestPlan,TestPlan/production" {
		t.Errorf("failed cases: %v", failed)
	}
}

func TestCollectorBuildFailure(t *testing.T) {
	c := newCollector()
	c.read(strings.NewReader(`{"Action":"output","Package":"x/test/e2e","Output":"FAIL\tx/test/e2e [build failed]\n"}
{"Action":"fail","Package":"x/test/e2e","Elapsed":0}
`), &bytes.Buffer{}, false)
	if !c.buildFailed {
		t.Error("a package that does not build must be an error, not a pass")
	}
}

func TestResolve(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "test/plan"), 0o755)
	os.WriteFile(filepath.Join(root, "test/plan/plan_test.go"), []byte("package plan\n"), 0o644)
	os.MkdirAll(filepath.Join(root, "test/e2e"), 0o755)
	os.WriteFile(filepath.Join(root, "test/e2e/e2e_test.go"), []byte("package e2e\n"), 0o644)

	got, missing, err := Resolve(root, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Dir != "test/plan" || got[1] != (Suite{"e2e-local", "test/e2e", "Local"}) || strings.Join(missing, ",") != "policy" {
		t.Errorf("defaults: %v missing %v", got, missing)
	}
	if _, _, err := Resolve(root, "policy"); err == nil || !strings.Contains(err.Error(), "no Go tests in test/policy") {
		t.Errorf("named missing suite: %v", err)
	}
	got, _, err = Resolve(root, "e2e-aws")
	if err != nil || got[0] != (Suite{"e2e-aws", "test/e2e", "AWS"}) {
		t.Errorf("e2e-aws: %v %v", got, err)
	}
	if _, _, err := Resolve(root, "nope"); err == nil || !strings.Contains(err.Error(), "unknown suite") {
		t.Errorf("unknown suite: %v", err)
	}
}

// Every suite names a package that exists in this repository.
func TestSuitesExist(t *testing.T) {
	for _, s := range All {
		if !hasGoTests(filepath.Join("..", "..", s.Dir)) {
			t.Errorf("suite %s: no Go tests in %s", s.Name, s.Dir)
		}
	}
}
