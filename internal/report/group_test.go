package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/saprism/tfgate/internal/result"
)

func manyTagFindings(n int) *result.Result {
	r := &result.Result{Environment: "production"}
	for i := 0; i < n; i++ {
		addr := fmt.Sprintf("aws_sns_topic.t%02d", i)
		r.Findings = append(r.Findings, result.Finding{
			RuleID: "TAG-001", Title: "Required tags", Severity: result.Medium, Enforcement: result.Deny,
			Address: addr, Message: addr + ": missing required tags: Owner", Remediation: "Set default_tags.",
		})
	}
	r.Findings = append(r.Findings, result.Finding{RuleID: "RDS-001", Title: "RDS deletion protection", Severity: result.High,
		Enforcement: result.Deny, Address: "aws_db_instance.main", Message: "aws_db_instance.main: deletion protection must be enabled"})
	r.Findings = append(r.Findings, result.Finding{RuleID: "S3-006", Title: "S3 server access logging", Severity: result.Low,
		Enforcement: result.Advisory, Address: "aws_s3_bucket.b", Message: "aws_s3_bucket.b: bucket has no server access logging"})
	r.Decide()
	return r
}

func text(t *testing.T, o Options, r *result.Result) string {
	t.Helper()
	rep, err := New("text", o)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := rep.Report(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestTextGroupsRepeatedFindings(t *testing.T) {
	out := text(t, Options{}, manyTagFindings(43))
	if !strings.Contains(out, "TAG-001 × 43  [medium]  Required tags") {
		t.Errorf("no group header:\n%s", out)
	}
	if n := strings.Count(out, "missing required tags"); n != groupCap {
		t.Errorf("%d addresses listed, want %d", n, groupCap)
	}
	if !strings.Contains(out, "and 38 more (--verbose lists them)") {
		t.Errorf("no 'and N more':\n%s", out)
	}
	if strings.Count(out, "fix: Set default_tags.") != 1 {
		t.Errorf("the fix of a group is printed once:\n%s", out)
	}
	// A rule with one finding keeps the full layout.
	if !strings.Contains(out, "RDS-001  aws_db_instance.main  [high]") {
		t.Errorf("single finding layout changed:\n%s", out)
	}
	v := text(t, Options{Verbose: true}, manyTagFindings(43))
	if n := strings.Count(v, "missing required tags"); n != 43 || strings.Contains(v, "more (--verbose") {
		t.Errorf("--verbose lists %d addresses, want 43", n)
	}
}

func TestMinSeverityFiltersShownNotVerdict(t *testing.T) {
	r := manyTagFindings(3)
	out := text(t, Options{MinSeverity: result.High}, r)
	if strings.Contains(out, "TAG-001") || strings.Contains(out, "S3-006") || !strings.Contains(out, "RDS-001") {
		t.Errorf("--min-severity high shows:\n%s", out)
	}
	if !strings.Contains(out, "4 finding(s) below high not shown") {
		t.Errorf("hidden count missing:\n%s", out)
	}
	all := text(t, Options{}, r)
	last := func(s string) string { l := strings.Split(strings.TrimSpace(s), "\n"); return l[len(l)-1] }
	if last(out) != last(all) || !strings.HasPrefix(last(out), "FAIL") {
		t.Errorf("verdict line differs: %q vs %q", last(out), last(all))
	}
	if _, err := ParseSeverity("severe"); err == nil {
		t.Error("ParseSeverity accepted severe")
	}
	if s, err := ParseSeverity("HIGH"); err != nil || s != result.High {
		t.Errorf("ParseSeverity(HIGH) = %q, %v", s, err)
	}
}

func TestTextGroupsNonAdjacentFindings(t *testing.T) {
	r := &result.Result{Environment: "production", Findings: []result.Finding{
		{RuleID: "S3-006", Severity: result.Low, Enforcement: result.Advisory, Address: "a", Message: "a: no logging", File: "s.tf", Line: 1},
		{RuleID: "ECS-006", Severity: result.Medium, Enforcement: result.Advisory, Address: "t", Message: "t: writable"},
		{RuleID: "S3-006", Severity: result.Low, Enforcement: result.Advisory, Address: "b", Message: "b: no logging", File: "s.tf", Line: 9},
	}}
	r.Decide()
	out := text(t, Options{}, r)
	if !strings.Contains(out, "S3-006 × 2") || strings.Index(out, "ECS-006") < strings.Index(out, "b: no logging") {
		t.Errorf("S3-006 findings not grouped in first-appearance order:\n%s", out)
	}
}
