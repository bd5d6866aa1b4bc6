package report

import (
	"os"
	"strings"
	"testing"

	"github.com/saprism/tfgate/internal/plan"
	"github.com/saprism/tfgate/internal/result"
)

// canaryWord is in every canary value and nowhere else in the fixtures, so
// finding it in any output means some secret (or a fragment of one) leaked,
// whatever escaping the format applied.
const canaryWord = "CANARY"

// canaryResult is a result in which every free-text field carries a secret,
// as if a rule had echoed values: the sensitive values of the plan (through
// variables, outputs and after_sensitive) and secret-looking values the
// plan never marked.
func canaryResult(secrets []string) *result.Result {
	lookalikes := []string{
		"AKIACANARY0000000000",                          // AWS access key id shape
		"postgres://app:CANARYurlpass@db.internal:5432", // credentials in a URL
		"DB_PASSWORD=CANARYenvpass",                     // secret-named assignment
	}
	all := append(append([]string(nil), secrets...), lookalikes...)
	s := func(i int) string { return all[i%len(all)] }
	r := &result.Result{
		Environment: "production",
		Findings:    []result.Finding{},
		Plan:        result.PlanSummary{Destroy: 1, Destroys: []string{"aws_db_instance.old"}},
	}
	for i := range all {
		r.Findings = append(r.Findings, result.Finding{
			RuleID:      "RDS-00" + string(rune('1'+i%9)),
			Title:       "title " + s(i),
			Address:     `aws_db_instance.main["` + s(i+1) + `"]`,
			Attribute:   "password",
			Enforcement: []result.Enforcement{result.Deny, result.Warning, result.Advisory}[i%3],
			Severity:    result.High,
			Message:     "value is " + s(i+2) + " and " + s(i+3),
			Remediation: "rotate " + s(i+4),
			Docs:        []string{"https://example.com/?k=" + s(i+5)},
			Waived:      i == 1,
			Exception:   "E-" + s(i+6),
		})
	}
	r.Exceptions = []result.Exception{{
		ID: "E1", RuleID: "RDS-001", Address: "aws_db_instance.*", Reason: "because " + s(0),
		Owner: s(1), Expires: "2026-12-01", Status: result.ExceptionActive, UsedBy: []string{s(2)},
	}}
	r.Rules = []result.Rule{{ID: "RDS-001", Title: s(3), Description: s(4), Remediation: s(5), Docs: []string{s(6)}}}
	r.Decide()
	return r
}

func TestCanaryNeverPrinted(t *testing.T) {
	data, err := os.ReadFile("testdata/canary/plan.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Parse(data, "canary plan")
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{
		"CANARY-var-not-a-real-secret-1",
		`CANARY<&"|>-json-not-a-real-secret-2`,
		"CANARY-output-not-a-real-secret-3",
		"CANARY-tag-not-a-real-secret-4",
	}
	// The plan's redactor must know every sensitive value, or this test
	// would only exercise the pattern scrubber.
	for _, s := range secrets {
		if got := p.Redactor.Redact("x " + s + " y"); strings.Contains(got, canaryWord) {
			t.Fatalf("plan redactor does not know %q: %q", s, got)
		}
	}
	for _, o := range []struct {
		name string
		red  Redactor
		res  *result.Result
	}{
		{"plan redactor", p.Redactor, canaryResult(secrets)},
		// Without the plan's redactor only secret-looking values are
		// scrubbed; the result here carries only those.
		{"default redactor", nil, canaryResult(nil)},
	} {
		for _, format := range Formats {
			for _, color := range []bool{false, true} {
				out := string(render(t, format, Options{Redactor: o.red, Color: color, FallbackFile: "terraform/main.tf"}, o.res))
				if strings.Contains(strings.ToUpper(out), canaryWord) {
					i := strings.Index(strings.ToUpper(out), canaryWord)
					t.Errorf("%s/%s: canary in output near %q", o.name, format, out[max(0, i-40):min(len(out), i+40)])
				}
				if !strings.Contains(out, plan.Sensitive) && format != "junit" {
					t.Errorf("%s/%s: no %q placeholder: the fields were dropped, not redacted", o.name, format, plan.Sensitive)
				}
			}
		}
	}
}
