package gate

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/saprism/tfgate/internal/exceptions"

	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/result"
)

// TestRunExceptions: exceptions flow through the gate into the verdict and
// the reported exception list. fixedNow is 2026-11-25.
func TestRunExceptions(t *testing.T) {
	deny := result.Finding{RuleID: "RDS-002", Address: "aws_db_instance.main", Enforcement: result.Deny, Severity: result.High, Message: "single AZ"}
	ex := func(expires, addr string) exceptions.Exception {
		return exceptions.Exception{ID: "e1", RuleID: "RDS-002", Address: addr, Reason: "migration", Owner: "dba", Expires: expires}
	}
	tests := []struct {
		name    string
		ex      exceptions.Exception
		verdict result.Verdict
		status  result.ExceptionStatus
		waived  bool
	}{
		{"active", ex("2027-06-01", "aws_db_instance.*"), result.Pass, result.ExceptionActive, true},
		{"expiring", ex("2026-12-01", "aws_db_instance.main"), result.Pass, result.ExceptionExpiring, true},
		{"expired", ex("2026-11-24", "aws_db_instance.main"), result.Fail, result.ExceptionExpired, false},
		{"unused", ex("2027-06-01", "aws_db_instance.other"), result.Fail, result.ExceptionUnused, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := &config.Config{Root: t.TempDir(), TerraformDir: "terraform", Exceptions: []exceptions.Exception{tt.ex},
				Environments: map[string]*config.Environment{"production": {}}}
			res, err := Run(context.Background(), Options{Config: cfg, Env: "production", PlanJSON: []byte(minimalPlan),
				Engine: &fakeEngine{findings: []result.Finding{deny}}, Now: fixedNow})
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != tt.verdict {
				t.Errorf("verdict %s, want %s", res.Verdict, tt.verdict)
			}
			if len(res.Exceptions) != 1 || res.Exceptions[0].Status != tt.status {
				t.Fatalf("exceptions %+v, want one %s", res.Exceptions, tt.status)
			}
			if f := res.Findings[0]; f.Waived != tt.waived || (tt.waived && f.Exception != "e1") {
				t.Errorf("finding waived=%v exception=%q", f.Waived, f.Exception)
			}
		})
	}
}

func TestRunInvalidExceptionFailsClosed(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "exceptions.yaml"), []byte("exceptions:\n  - rule_id: RDS-002\n    address: aws_db_instance.main\n"), 0o644)
	cfg := &config.Config{Root: dir, TerraformDir: "terraform", ExceptionsFile: "exceptions.yaml",
		Environments: map[string]*config.Environment{"production": {}}}
	_, err := Run(context.Background(), Options{Config: cfg, Env: "production", PlanJSON: []byte(minimalPlan),
		Engine: &fakeEngine{}, Now: fixedNow})
	if err == nil || !strings.Contains(err.Error(), "exceptions.yaml:2") {
		t.Fatalf("err = %v, want one naming exceptions.yaml:2", err)
	}
}
