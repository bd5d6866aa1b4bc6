package gate

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/saprism/tfgate/internal/result"
)

// TestRunWithPolicyLibrary runs the embedded policy library through the
// gate: a single-AZ database is denied in production, advisory in dev.
func TestRunWithPolicyLibrary(t *testing.T) {
	for _, tt := range []struct {
		env         string
		enforcement result.Enforcement
		failed      bool
	}{
		{"production", result.Deny, true},
		{"dev", result.Advisory, false},
	} {
		t.Run(tt.env, func(t *testing.T) {
			res, err := Run(context.Background(), Options{Env: tt.env, PlanPath: "testdata/rds_single_az.json", Now: fixedNow, NoSource: true})
			if err != nil {
				t.Fatal(err)
			}
			var got *result.Finding
			for i, f := range res.Findings {
				if f.RuleID == "RDS-002" && f.Address == "aws_db_instance.main" {
					got = &res.Findings[i]
				}
			}
			if got == nil {
				t.Fatalf("no RDS-002 finding on aws_db_instance.main: %+v", res.Findings)
			}
			if got.Enforcement != tt.enforcement {
				t.Errorf("RDS-002 enforcement %s, want %s", got.Enforcement, tt.enforcement)
			}
			if (res.Verdict == result.Fail) != tt.failed {
				t.Errorf("verdict %s (summary %+v)", res.Verdict, res.Summary)
			}
			if res.PolicyHash == "" || len(res.Rules) < 10 {
				t.Errorf("policy hash %q, %d rules", res.PolicyHash, len(res.Rules))
			}
			out, _ := json.Marshal(res)
			if strings.Contains(string(out), "CANARY-rds-not-a-real-secret-222") {
				t.Error("result contains the canary password")
			}
		})
	}
}

// TestCanaryWithPolicyLibrary: the canary plan through the real policy
// library; no canary in the result or in any rule message.
func TestCanaryWithPolicyLibrary(t *testing.T) {
	res, err := Run(context.Background(), Options{Env: "production", PlanPath: "testdata/canary.json", Now: fixedNow, NoSource: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) == 0 {
		t.Fatal("no findings: the library did not look at the plan")
	}
	out, _ := json.Marshal(res)
	if strings.Contains(string(out), "CANARY") {
		t.Fatalf("result contains a canary: %s", out)
	}
}
