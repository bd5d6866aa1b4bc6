package gate

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/saprism/tfgate/internal/config"
)

// go test ./internal/gate -run Corpus -update rewrites findings.golden.
var updateCorpus = flag.Bool("update", false, "rewrite the fixture corpus' findings.golden files")

// The fixture corpus (test/fixtures/*, repositories in styles this team did
// not write, planned on the emulator by test/fixtures/regen.sh): `check` as
// a new user runs it — no tfgate.yaml, no flags, the configuration
// discovered from the plan. Every finding must be placed, and each
// location is checked against the golden file together with the source
// text at that line, so a wrong line shows as the wrong text.
func TestCorpus(t *testing.T) {
	dirs, _ := filepath.Glob("../../test/fixtures/*/plan.json")
	if len(dirs) == 0 {
		t.Fatal("no fixture plans under test/fixtures (run test/fixtures/regen.sh)")
	}
	for _, planPath := range dirs {
		repo := filepath.Dir(planPath)
		t.Run(filepath.Base(repo), func(t *testing.T) {
			cfg, err := config.Load(repo)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Path != "" {
				t.Fatalf("%s has a tfgate.yaml: the corpus checks the case without one", repo)
			}
			out, err := Evaluate(context.Background(), Options{
				Config: cfg, Env: "production", PlanPath: planPath, Discover: true,
				Now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Result.Findings) == 0 {
				t.Fatal("no findings: the fixture checks nothing")
			}
			var b strings.Builder
			for _, n := range out.Notes {
				// The discovered dir is the fixture itself.
				fmt.Fprintf(&b, "note: %s\n", n)
			}
			if out.SourceFile != "main.tf" {
				t.Errorf("SourceFile %q, want main.tf", out.SourceFile)
			}
			for _, f := range out.Result.Findings {
				if f.File == "" || f.Line == 0 {
					t.Errorf("%s %s %s: no location", f.RuleID, f.Address, f.Attribute)
				}
				fmt.Fprintf(&b, "%s %s %s\n", f.RuleID, f.Address, f.Attribute)
				fmt.Fprintf(&b, "    at %s\n", sourceLine(t, repo, f.File, f.Line))
				if s := f.SetAt; s != nil {
					fmt.Fprintf(&b, "    set at %s (%s)\n", sourceLine(t, repo, s.File, s.Line), s.Kind)
					for _, h := range s.Via {
						fmt.Fprintf(&b, "      via %s at %s\n", h.Module, sourceLine(t, repo, h.File, h.Line))
					}
				}
				if f.VarFile != "" {
					fmt.Fprintf(&b, "    var %s\n", sourceLine(t, repo, f.VarFile, f.VarLine))
				}
			}
			golden := filepath.Join(repo, "findings.golden")
			got := b.String()
			if *updateCorpus {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs (run with -update after checking the change)\n--- got\n%s\n--- want\n%s", golden, got, want)
			}
		})
	}
}

// sourceLine renders file:line with the line's text.
func sourceLine(t *testing.T, repo, file string, line int) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repo, file))
	if err != nil {
		t.Errorf("%s: %v", file, err)
		return fmt.Sprintf("%s:%d", file, line)
	}
	lines := strings.Split(string(data), "\n")
	if line < 1 || line > len(lines) {
		t.Errorf("%s:%d: no such line", file, line)
		return fmt.Sprintf("%s:%d", file, line)
	}
	return fmt.Sprintf("%s:%d: %s", file, line, strings.TrimSpace(lines[line-1]))
}
