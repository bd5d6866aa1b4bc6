package gate

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/saprism/tfgate/internal/plan"
	"github.com/saprism/tfgate/internal/result"
)

// TestDriftIntoNonComplianceDenies: in dev, where RDS-001 is advisory, a
// database whose deletion protection was switched off outside Terraform is
// a deny; a violation that did not drift keeps the environment's enforcement.
func TestDriftIntoNonComplianceDenies(t *testing.T) {
	data, err := os.ReadFile("../plan/testdata/drift_refresh_only.json")
	if err != nil {
		t.Fatal(err)
	}
	d, refreshed, err := plan.Drift(data, "drift.json")
	if err != nil {
		t.Fatal(err)
	}
	out, err := Evaluate(context.Background(), Options{Env: "dev", PlanJSON: refreshed, PlanName: "refreshed", Drift: d})
	if err != nil {
		t.Fatal(err)
	}
	res := out.Result
	var rds *result.Finding
	for i, f := range res.Findings {
		if f.RuleID == "RDS-001" && f.Address == "aws_db_instance.main" {
			rds = &res.Findings[i]
		}
		if f.Address == "aws_s3_bucket.kept" && f.Enforcement == result.Deny {
			t.Errorf("%s on a resource that did not drift was escalated to deny", f.RuleID)
		}
	}
	if rds == nil {
		t.Fatalf("no RDS-001 finding on the refreshed state: %+v", res.Findings)
	}
	if rds.Enforcement != result.Deny || !strings.HasPrefix(rds.Message, driftPrefix) {
		t.Errorf("RDS-001 after drift: %s %q, want a deny saying it drifted", rds.Enforcement, rds.Message)
	}
	if res.Verdict != result.Fail || !res.Drifted() {
		t.Errorf("verdict %s, drifted %v", res.Verdict, res.Drifted())
	}
	for _, r := range res.Drift.Resources {
		for _, a := range r.Attributes {
			if strings.Contains(a.Before+a.After, "hunter2") {
				t.Errorf("%s %s shows a sensitive value", r.Address, a.Path)
			}
		}
	}
}
