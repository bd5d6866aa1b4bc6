package exceptions

import (
	"strings"
	"testing"
	"time"

	"github.com/saprism/tfgate/internal/result"
)

func exc(rule, addr, expires string) Exception {
	return Exception{RuleID: rule, Address: addr, Reason: "migration window", Owner: "dba@example.com", Expires: expires, File: "tfgate.yaml", Line: 7}
}

func TestApply(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	findings := []result.Finding{
		{RuleID: "RDS-002", Address: "aws_db_instance.main", Enforcement: result.Deny},
		{RuleID: "RDS-001", Address: "aws_db_instance.main", Enforcement: result.Deny},
		{RuleID: "S3-005", Address: `module.storage.aws_s3_bucket.assets["eu"]`, Enforcement: result.Warning},
		{RuleID: "STATE-001", Address: "aws_db_instance.main", Enforcement: result.Deny},
	}
	ex := []Exception{
		exc("RDS-002", "aws_db_instance.*", "2027-03-01"),             // active
		exc("RDS-001", "aws_db_instance.main", "2026-11-24"),          // expired yesterday
		exc("S3-005", "module.storage.aws_s3_bucket.*", "2026-12-05"), // expiring in 10 days
		exc("ECR-001", "*", "2027-01-01"),                             // unused
		exc("STATE-001", "aws_db_instance.main", "2026-11-25"),        // expires today: still applies, expiring
	}
	out, reps, err := Apply(findings, ex, now)
	if err != nil {
		t.Fatal(err)
	}
	wantWaived := []bool{true, false, true, true}
	for i, f := range out {
		if f.Waived != wantWaived[i] {
			t.Errorf("finding %s %s: waived = %v, want %v", f.RuleID, f.Address, f.Waived, wantWaived[i])
		}
		if f.Waived && f.Exception == "" {
			t.Errorf("finding %s waived without exception id", f.RuleID)
		}
	}
	if findings[0].Waived {
		t.Error("input findings were modified")
	}
	wantStatus := []result.ExceptionStatus{result.ExceptionActive, result.ExceptionExpired, result.ExceptionExpiring, result.ExceptionUnused, result.ExceptionExpiring}
	for i, r := range reps {
		if r.Status != wantStatus[i] {
			t.Errorf("exception %s: status %s, want %s", r.ID, r.Status, wantStatus[i])
		}
	}
	if got := reps[0].UsedBy; len(got) != 1 || got[0] != "aws_db_instance.main" {
		t.Errorf("used_by = %v", got)
	}
	if reps[1].UsedBy != nil {
		t.Errorf("expired exception reports use: %v", reps[1].UsedBy)
	}
}

func TestExceptionValidation(t *testing.T) {
	cases := map[string]struct {
		e    Exception
		want string
	}{
		"missing owner and reason": {Exception{RuleID: "RDS-001", Address: "*", Expires: "2027-01-01", File: "x.yaml", Line: 3}, "x.yaml:3: exception: missing reason, owner"},
		"missing expires":          {Exception{RuleID: "RDS-001", Address: "*", Reason: "r", Owner: "o", File: "x.yaml", Line: 9}, "x.yaml:9: exception: missing expires"},
		"bad date":                 {Exception{RuleID: "RDS-001", Address: "*", Reason: "r", Owner: "o", Expires: "01/02/2027", File: "x.yaml", Line: 4}, `x.yaml:4: exception: expires "01/02/2027" is not a date`},
		"missing rule":             {Exception{Address: "*", Reason: "r", Owner: "o", Expires: "2027-01-01", File: "x.yaml", Line: 5}, "x.yaml:5: exception: missing rule_id"},
	}
	dup := exc("RDS-001", "*", "2027-01-01")
	dup.ID, dup.Line = "same", 12
	first := dup
	first.Line = 3
	if _, _, err := Apply(nil, []Exception{first, dup}, time.Now()); err == nil || !strings.Contains(err.Error(), `tfgate.yaml:12: exception: id "same" already used at tfgate.yaml:3`) {
		t.Errorf("duplicate id: err = %v", err)
	}
	for name, c := range cases {
		_, _, err := Apply(nil, []Exception{c.e}, time.Now())
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", name, err, c.want)
		}
	}
}

func TestGlobMatch(t *testing.T) {
	cases := []struct {
		p, s string
		want bool
	}{
		{"aws_db_instance.main", "aws_db_instance.main", true},
		{"aws_db_instance.*", "aws_db_instance.main", true},
		{"*", `module.a["x"].aws_s3_bucket.b[0]`, true},
		{`module.a["x"].*`, `module.a["x"].aws_s3_bucket.b`, true},
		{"aws_s3_bucket.b[?]", "aws_s3_bucket.b[0]", true},
		{"aws_s3_bucket.*.x", "aws_s3_bucket.b", false},
		{"aws_db_instance.main", "aws_db_instance.main2", false},
		{"*.main", "aws_db_instance.replica", false},
	}
	for _, c := range cases {
		if got := globMatch(c.p, c.s); got != c.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", c.p, c.s, got, c.want)
		}
	}
}
