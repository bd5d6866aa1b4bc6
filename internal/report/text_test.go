package report

import (
	"strings"
	"testing"

	"github.com/saprism/tfgate/internal/result"
)

func textResult() *result.Result {
	return &result.Result{
		Environment: "production",
		Findings: []result.Finding{
			{RuleID: "TAG-001", Address: "a.t", Enforcement: result.Advisory, Message: "tags"},
			{RuleID: "RDS-002", Address: "aws_db_instance.main", Enforcement: result.Deny, Message: "not multi-AZ",
				File: "terraform/main.tf", Line: 42, VarFile: "terraform/env/production.tfvars", VarLine: 7},
			{RuleID: "ALB-003", Address: "aws_lb.main", Enforcement: result.Warning, Message: "waf unknown", Unknown: true},
			{RuleID: "S3-002", Address: "aws_s3_bucket.b", Enforcement: result.Deny, Message: "public", Waived: true, Exception: "E1"},
		},
		Exceptions: []result.Exception{{ID: "E1", Status: result.ExceptionActive, UsedBy: []string{"aws_s3_bucket.b"}},
			{ID: "E2", Status: result.ExceptionExpired}},
		Plan: result.PlanSummary{Add: 1, Change: 2, Destroy: 1, Destroys: []string{"aws_db_instance.old"}},
	}
}

func TestText(t *testing.T) {
	cases := []struct {
		name  string
		color bool
	}{{"plain", false}, {"color", true}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := string(render(t, "text", Options{Color: c.color}, textResult()))
			if has := strings.Contains(out, "\x1b["); has != c.color {
				t.Errorf("ANSI escapes present = %v, want %v", has, c.color)
			}
			plain := stripANSI(out)
			// Groups in order deny, warn, advisory, waived; destroys before them.
			order := []string{"Plan: 1 to add, 2 to change, 1 to destroy.", "destroy aws_db_instance.old",
				"DENY (1)", "RDS-002", "WARN (1)", "ALB-003", "[unknown until apply]", "ADVISORY (1)", "TAG-001",
				"WAIVED (1)", "waived by E1", "EXCEPTIONS", "used", "expired"}
			pos := 0
			for _, s := range order {
				i := strings.Index(plain[pos:], s)
				if i < 0 {
					t.Fatalf("%q missing or out of order in\n%s", s, plain)
				}
				pos += i + len(s)
			}
			if !strings.Contains(plain, "at terraform/main.tf:42 (value set at terraform/env/production.tfvars:7)") {
				t.Errorf("no file:line for the deny:\n%s", plain)
			}
			lines := strings.Split(strings.TrimRight(plain, "\n"), "\n")
			last := lines[len(lines)-1]
			if last != "FAIL: 1 denied, 1 warning, 1 advisory, 1 waived, 1 unknown until apply (production)" {
				t.Errorf("last line %q", last)
			}
		})
	}
}

func TestTextVerdictLine(t *testing.T) {
	for _, c := range []struct {
		findings []result.Finding
		strict   bool
		want     string
	}{
		{nil, false, "PASS: 0 denied, 0 warnings, 0 advisory, 0 waived (dev)"},
		{[]result.Finding{{RuleID: "A", Enforcement: result.Warning}}, false, "WARN: 0 denied, 1 warning, 0 advisory, 0 waived (dev)"},
		{[]result.Finding{{RuleID: "A", Enforcement: result.Warning}}, true, "FAIL: 0 denied, 1 warning, 0 advisory, 0 waived (dev, strict)"},
	} {
		r := &result.Result{Environment: "dev", Strict: c.strict, Findings: c.findings}
		r.Decide()
		out := strings.TrimRight(string(render(t, "text", Options{}, r)), "\n")
		if last := out[strings.LastIndex(out, "\n")+1:]; last != c.want {
			t.Errorf("verdict line %q, want %q", last, c.want)
		}
	}
}

func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			for i < len(s) && s[i] != 'm' {
				i++
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
