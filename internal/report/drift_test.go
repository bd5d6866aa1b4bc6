package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/saprism/tfgate/internal/result"
)

// TestDriftInEveryFormat: every drifted resource and attribute shows in
// each format (SARIF and JUnit as DRIFT results), the pending policy
// changes in the formats that have a place for them.
func TestDriftInEveryFormat(t *testing.T) {
	res := &result.Result{
		Environment: "dev", Time: time.Unix(0, 0),
		Findings:   []result.Finding{},
		Exceptions: []result.Exception{},
		Drift: &result.Drift{Resources: []result.DriftedResource{
			{Address: "aws_db_instance.main", Type: "aws_db_instance", Action: "changed", File: "terraform/main.tf", Line: 480,
				Attributes: []result.DriftedAttribute{{Path: "deletion_protection", Before: "true", After: "false"}}},
			{Address: "aws_security_group.db", Type: "aws_security_group", Action: "changed", File: "terraform/main.tf", Line: 418,
				Attributes: []result.DriftedAttribute{{Path: "ingress", Before: "[]", After: `[{"cidr_blocks":["0.0.0.0/0"]}]`}}},
		}},
		PolicyChanges: &result.PolicyChanges{TrustedRef: "origin/main", TrustedCommit: "0123456789abcdef",
			Changes: []result.PolicyChange{{Kind: result.ExceptionAdded, Subject: "mine", Detail: "RDS-001 on x"}}},
	}
	res.Decide()
	for _, format := range Formats {
		r, err := New(format, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := r.Report(&b, res); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		out := b.String()
		for _, want := range []string{"aws_db_instance.main", "deletion_protection", "aws_security_group.db", "ingress"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s report lacks %q:\n%s", format, want, out)
			}
		}
		if format == "text" || format == "markdown" || format == "json" {
			if !strings.Contains(out, "mine") || !strings.Contains(strings.ToLower(out), "origin/main") {
				t.Errorf("%s report lacks the pending policy change:\n%s", format, out)
			}
		}
	}
}
