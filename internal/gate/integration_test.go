package gate

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/result"
)

func repoConfig(t *testing.T) *config.Config {
	t.Helper()
	cfg, err := config.Load("testdata/repo")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func find(res *result.Result, id string) *result.Finding {
	for i, f := range res.Findings {
		if f.RuleID == id {
			return &res.Findings[i]
		}
	}
	return nil
}

// TestRunSourceMapping: findings point at the attribute's line in the
// configuration under Config.Root.
func TestRunSourceMapping(t *testing.T) {
	res, err := Run(context.Background(), Options{Config: repoConfig(t), Env: "production", PlanPath: "testdata/rds_single_az.json", Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	f := find(res, "RDS-002")
	if f == nil {
		t.Fatal("no RDS-002 finding")
	}
	if f.File != filepath.Join("terraform", "main.tf") || f.Line != 4 {
		t.Fatalf("RDS-002 at %s:%d, want terraform/main.tf:4", f.File, f.Line)
	}
	// NoSource (a plan from another repository): no locations, no error.
	res, err = Run(context.Background(), Options{Config: repoConfig(t), Env: "production", PlanPath: "testdata/rds_single_az.json", Now: fixedNow, NoSource: true})
	if err != nil {
		t.Fatal(err)
	}
	if f := find(res, "RDS-002"); f == nil || f.File != "" || f.Line != 0 {
		t.Fatalf("NoSource: finding %+v", f)
	}
}

// TestRunPolicyDirsAndOverrides: an extra policy dir adds rules, and
// tfgate.yaml-style overrides change a rule's enforcement.
func TestRunPolicyDirsAndOverrides(t *testing.T) {
	cfg := repoConfig(t)
	cfg.Enforcement = map[string]map[string]string{"RDS-002": {"production": "warn"}}
	res, err := Run(context.Background(), Options{Config: cfg, Env: "production", PlanPath: "testdata/rds_single_az.json",
		PolicyDirs: []string{"testdata/repo/policies"}, Now: fixedNow, NoSource: true})
	if err != nil {
		t.Fatal(err)
	}
	if f := find(res, "CUST-001"); f == nil || f.Enforcement != result.Warning {
		t.Fatalf("CUST-001 from the extra policy dir: %+v", f)
	}
	if f := find(res, "RDS-002"); f == nil || f.Enforcement != result.Warning {
		t.Fatalf("RDS-002 override to warn: %+v", f)
	}
}

func TestRunBrokenPolicyFailsClosed(t *testing.T) {
	_, err := Run(context.Background(), Options{Env: "production", PlanPath: "testdata/rds_single_az.json",
		PolicyDirs: []string{"testdata/badpolicy"}, Now: fixedNow, NoSource: true})
	if err == nil || !strings.Contains(err.Error(), "broken.rego:7") {
		t.Fatalf("err = %v, want one naming broken.rego:7", err)
	}
}

func TestRunUnknownOverrideFailsClosed(t *testing.T) {
	cfg := repoConfig(t)
	cfg.Enforcement = map[string]map[string]string{"RDS-002": {"production": "maybe"}}
	if _, err := Run(context.Background(), Options{Config: cfg, Env: "production", PlanPath: "testdata/rds_single_az.json", Now: fixedNow}); err == nil {
		t.Fatal("invalid enforcement override accepted")
	}
}
