package result

import "testing"

func TestDecide(t *testing.T) {
	f := func(e Enforcement, unknown, waived bool) Finding {
		return Finding{RuleID: "X-1", Address: "a.b", Enforcement: e, Unknown: unknown, Waived: waived}
	}
	tests := []struct {
		name     string
		strict   bool
		findings []Finding
		want     Verdict
		summary  Summary
	}{
		{"no findings", false, nil, Pass, Summary{}},
		{"advisory only", false, []Finding{f(Advisory, false, false)}, Pass, Summary{Total: 1, Advisory: 1}},
		{"warn", false, []Finding{f(Warning, false, false)}, Warn, Summary{Total: 1, Warn: 1}},
		{"warn strict", true, []Finding{f(Warning, false, false)}, Fail, Summary{Total: 1, Warn: 1}},
		{"deny", false, []Finding{f(Deny, false, false), f(Warning, false, false)}, Fail, Summary{Total: 2, Deny: 1, Warn: 1}},
		{"waived deny", false, []Finding{f(Deny, false, true)}, Pass, Summary{Total: 1, Waived: 1}},
		{"unknown counts by enforcement", false, []Finding{f(Warning, true, false)}, Warn, Summary{Total: 1, Warn: 1, Unknown: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Result{Strict: tt.strict, Findings: tt.findings}
			r.Decide()
			if r.Verdict != tt.want {
				t.Errorf("verdict = %s, want %s", r.Verdict, tt.want)
			}
			if r.Summary != tt.summary {
				t.Errorf("summary = %+v, want %+v", r.Summary, tt.summary)
			}
		})
	}
}
