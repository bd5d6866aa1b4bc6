package gate

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/saprism/tfgate/bench/gen"
	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/exceptions"
)

// go test ./internal/gate -run Results -update-results rewrites the goldens.
var updateResults = flag.Bool("update-results", false, "rewrite internal/gate/testdata/results/*.json.gz")

// TestResults pins the complete gate result (every finding with every
// field, waived exceptions, plan summary, verdict) on generated plans and on
// every real plan in the repository. Performance work on the plan decoder,
// the engine or the Rego must leave these byte for byte as they were: the
// goldens were written by the code before that work (see git history).
// The policy hash and rule table are left out: a Rego rewrite changes the
// hash without changing any decision.
func TestResults(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	type tc struct {
		name string
		opts func() Options
	}
	var cases []tc
	sizes := []int{100, 1000}
	if !testing.Short() {
		sizes = append(sizes, 10000)
	}
	for _, n := range sizes {
		data := gen.Plan(n)
		cases = append(cases, tc{fmt.Sprintf("gen-%d", n), func() Options {
			return Options{Config: resultsConfig(), Env: "production", PlanJSON: data, PlanName: "generated", NoSource: true}
		}})
	}
	stack, _ := filepath.Glob("../policy/testdata/*.json.gz")
	for _, path := range stack {
		name := strings.TrimSuffix(filepath.Base(path), ".json.gz")
		for _, env := range []string{"production", "dev"} {
			cases = append(cases, tc{"stack-" + name + "-" + env, func() Options {
				return Options{Config: resultsConfig(), Env: env, PlanJSON: gunzip(t, path), PlanName: name, NoSource: true,
					AllowDestroy: []string{"aws_db_instance.main"}}
			}})
		}
	}
	for _, path := range []string{"testdata/canary.json", "testdata/rds_single_az.json"} {
		cases = append(cases, tc{"gate-" + strings.TrimSuffix(filepath.Base(path), ".json"), func() Options {
			return Options{Config: resultsConfig(), Env: "production", PlanPath: path, NoSource: true}
		}})
	}
	repos, _ := filepath.Glob("../../test/fixtures/*/plan.json")
	repos = append(repos, "testdata/foreign/plan.json")
	for _, planPath := range repos {
		repo := filepath.Dir(planPath)
		cases = append(cases, tc{"repo-" + filepath.Base(repo), func() Options {
			cfg, err := config.Load(repo)
			if err != nil {
				t.Fatal(err)
			}
			return Options{Config: cfg, Env: "production", PlanPath: planPath, Discover: true}
		}})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := c.opts()
			o.Now = now
			o.ToolVersion = "golden"
			out, err := Evaluate(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			got := goldenResult(t, out)
			path := filepath.Join("testdata", "results", c.name+".json.gz")
			if *updateResults {
				writeGz(t, path, got)
				return
			}
			want := gunzip(t, path)
			if !bytes.Equal(got, want) {
				t.Errorf("%s: result differs from the golden:\n%s", path, firstDiff(got, want))
			}
		})
	}
}

func resultsConfig() *config.Config {
	c := &config.Config{Root: ".", TerraformDir: "does-not-exist", Environments: map[string]*config.Environment{"production": {}, "dev": {}}}
	c.RequiredTags = []string{"Project", "Environment", "ManagedBy"}
	c.Exceptions = []exceptions.Exception{
		{ID: "golden-logs", RuleID: "LOG-001", Address: "module.svc[*].aws_cloudwatch_log_group.*", Reason: "golden", Owner: "golden", Expires: "2099-01-01"},
		{ID: "golden-unused", RuleID: "RDS-001", Address: "aws_db_instance.none", Reason: "golden", Owner: "golden", Expires: "2099-01-01"},
	}
	return c
}

// goldenResult is the result as JSON, one finding per line so a difference
// names the finding.
func goldenResult(t *testing.T, out *Outcome) []byte {
	t.Helper()
	r := *out.Result
	r.PolicyHash = ""
	r.Rules = nil
	findings := r.Findings
	r.Findings = nil
	var b bytes.Buffer
	head, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	b.Write(head)
	b.WriteByte('\n')
	for _, n := range out.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	fmt.Fprintf(&b, "source file: %s\n", out.SourceFile)
	for _, f := range findings {
		line, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d (of %d got, %d want):\n got: %s\nwant: %s", i+1, len(g), len(w), gl, wl)
		}
	}
	return "same lines"
}

func gunzip(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (run with -update-results to create it)", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func writeGz(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zw.ModTime = time.Time{}
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
