package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/saprism/tfgate/internal/result"
)

// `tfgate -C REPO check plan.json` on the fixture repositories (no
// tfgate.yaml, no flags): the configuration is found, one line says so,
// and every finding has a file:line.
func TestCheckForeignRepo(t *testing.T) {
	plans, _ := filepath.Glob("../../test/fixtures/*/plan.json")
	if len(plans) == 0 {
		t.Fatal("no fixture plans under test/fixtures")
	}
	for _, p := range plans {
		repo, _ := filepath.Abs(filepath.Dir(p))
		t.Run(filepath.Base(repo), func(t *testing.T) {
			code, stdout, stderr := tfgate(t, repo, nil, "check", "plan.json", "--output", "json")
			if code != ExitDenied {
				t.Fatalf("exit %d, want %d\n%s", code, ExitDenied, stderr)
			}
			if !strings.Contains(stderr, "source: mapping findings to ./ (found: declares all") {
				t.Errorf("stderr does not say which configuration was used:\n%s", stderr)
			}
			if strings.Contains(stderr, "warning") {
				t.Errorf("warnings on a complete checkout:\n%s", stderr)
			}
			var res result.Result
			if err := json.Unmarshal([]byte(stdout), &res); err != nil {
				t.Fatal(err)
			}
			for _, f := range res.Findings {
				if f.File == "" || f.Line == 0 {
					t.Errorf("%s %s: no file:line", f.RuleID, f.Address)
				}
			}
		})
	}
}

func TestCheckConfigDir(t *testing.T) {
	repo, _ := filepath.Abs("../../test/fixtures/count-rules")
	code, _, stderr := tfgate(t, repo, nil, "check", "plan.json", "--config-dir", "no/such/dir")
	if code != ExitError || !strings.Contains(stderr, "--config-dir") {
		t.Errorf("exit %d, stderr %q: want 2 naming --config-dir", code, stderr)
	}
	code, _, stderr = tfgate(t, repo, nil, "check", "plan.json", "--config-dir", repo)
	if code != ExitDenied || !strings.Contains(stderr, "(--config-dir)") {
		t.Errorf("exit %d, stderr %q: want the flag's dir used", code, stderr)
	}
}

// Trap: a saved binary plan of another repository was answered with
// "run tfgate init" of this stack.
func TestCheckForeignBinaryPlan(t *testing.T) {
	root := fakeRepo(t, "")
	plan := filepath.Join(t.TempDir(), "tfplan")
	if err := os.WriteFile(plan, []byte("PK\x03\x04 not really a zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := tfgate(t, root, nil, "check", plan)
	if code != ExitError || !strings.Contains(stderr, "terraform show -json") || strings.Contains(stderr, "tfgate init") {
		t.Errorf("exit %d, stderr %q: want 2 and the terraform show -json instruction", code, stderr)
	}
}

// Trap: SARIF results without a location pointed at the plan's absolute
// path. They now use a path relative to the repository root.
func TestCheckSARIFFallback(t *testing.T) {
	root := t.TempDir() // no configuration at all
	data, err := os.ReadFile(testdata(t, "rds_unprotected.json"))
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(root, "plans", "plan.json")
	os.MkdirAll(filepath.Dir(in), 0o755)
	if err := os.WriteFile(in, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ plan, want string }{
		{in, "plans/plan.json"}, // inside the repository: relative to it
		{testdata(t, "rds_unprotected.json"), "rds_unprotected.json"}, // outside: its base name
	} {
		_, stdout, stderr := tfgate(t, root, nil, "check", c.plan, "--output", "sarif")
		if !strings.Contains(stderr, "source: findings have no file:line") {
			t.Errorf("stderr does not say why there are no locations:\n%s", stderr)
		}
		var log struct {
			Runs []struct {
				Results []struct {
					Locations []struct {
						PhysicalLocation struct {
							ArtifactLocation struct{ URI string } `json:"artifactLocation"`
						} `json:"physicalLocation"`
					} `json:"locations"`
				} `json:"results"`
			} `json:"runs"`
		}
		if err := json.Unmarshal([]byte(stdout), &log); err != nil || len(log.Runs) == 0 || len(log.Runs[0].Results) == 0 {
			t.Fatalf("sarif: %v\n%s", err, stdout)
		}
		for _, r := range log.Runs[0].Results {
			if got := r.Locations[0].PhysicalLocation.ArtifactLocation.URI; got != c.want {
				t.Errorf("%s: location %q, want %q", c.plan, got, c.want)
			}
		}
	}
}

// Trap: a local module directory named in the HCL but missing ended the
// run with exit 2 and no report. Now: the report, the verdict, and one
// warning naming the module.
func TestCheckMissingModule(t *testing.T) {
	repo := t.TempDir()
	src, _ := filepath.Abs("../../test/fixtures/nested-foreach")
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(repo, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(repo, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(repo, "modules", "firewall")); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := tfgate(t, repo, nil, "check", "plan.json", "--output", "json")
	if code != ExitDenied {
		t.Fatalf("exit %d, want %d (a report and the verdict)\n%s", code, ExitDenied, stderr)
	}
	if n := strings.Count(stderr, "source: warning: module.service.module.firewall"); n != 1 {
		t.Errorf("want one warning naming module.service.module.firewall, stderr:\n%s", stderr)
	}
	var res result.Result
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	located := 0
	for _, f := range res.Findings {
		inMissing := strings.Contains(f.Address, ".module.firewall.")
		if inMissing && f.File != "" {
			t.Errorf("%s located in a missing module at %s:%d", f.Address, f.File, f.Line)
		}
		if !inMissing && f.File != "" {
			located++
		}
	}
	if located == 0 {
		t.Error("the findings outside the missing module lost their locations too")
	}
}
