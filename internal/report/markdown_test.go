package report

import (
	"strings"
	"testing"

	"github.com/saprism/tfgate/internal/result"
)

func TestMarkdownEscaping(t *testing.T) {
	for _, c := range []struct{ in, text, code string }{
		{"a|b", `a\|b`, "`a\\|b`"},
		{"x\ny", "x<br>y", "`x y`"},
		{"<script>&", "&lt;script&gt;&amp;", "`<script>&`"},
		{"*bold* _it_ [l](u) `c` #h ~s~", `\*bold\* \_it\_ \[l\](u) \` + "`" + `c\` + "` " + `\#h \~s\~`, "`` *bold* _it_ [l](u) `c` #h ~s~ ``"},
		{"", "", "-"},
	} {
		if got := mdText(c.in); got != c.text {
			t.Errorf("mdText(%q) = %q, want %q", c.in, got, c.text)
		}
		if got := mdCode(c.in); got != c.code {
			t.Errorf("mdCode(%q) = %q, want %q", c.in, got, c.code)
		}
	}
}

// Every table row must have as many cells as the header, whatever the
// messages contain: a stray '|' or newline would break the PR comment.
func TestMarkdownTableShape(t *testing.T) {
	r := &result.Result{
		Environment: "production",
		Findings: []result.Finding{
			{RuleID: "A|1", Address: `x.y["a|b"]`, Enforcement: result.Deny, Message: "one | two\nthree", File: "a|b.tf", Line: 1, VarFile: "v.tfvars", VarLine: 2},
			{RuleID: "B", Address: "x.z", Enforcement: result.Warning, Message: "`tick` | pipe", Remediation: "fix | it"},
			{RuleID: "C", Address: "x.w", Enforcement: result.Advisory, Message: "adv"},
			{RuleID: "D", Address: "x.v", Enforcement: result.Deny, Message: "w", Waived: true, Exception: "E|1"},
		},
		Exceptions: []result.Exception{
			{ID: "E|1", RuleID: "D", Address: "x.*", Reason: "because | reasons\nmore", Owner: "o", Expires: "2026-12-01", Status: result.ExceptionExpiring, UsedBy: []string{"x.v"}},
		},
		Plan: result.PlanSummary{Destroy: 1, Destroys: []string{"x.gone"}},
	}
	out := string(render(t, "markdown", Options{}, r))
	tables := 0
	var header int
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "|") {
			header = 0
			continue
		}
		n := cells(line)
		if header == 0 {
			header = n
			tables++
			continue
		}
		if n != header {
			t.Errorf("row has %d cells, header %d: %s", n, header, line)
		}
	}
	if tables != 4 { // denies+warnings, advisory, waived, exceptions
		t.Errorf("%d tables, want 4\n%s", tables, out)
	}
	for _, want := range []string{"## ❌ tfgate: FAIL (production)", "### Destroys (1)", "- `x.gone`", "`a\\|b.tf:1`<br>set at `v.tfvars:2`", "⚠️ expiring"} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q\n%s", want, out)
		}
	}
}

// cells counts GFM table cells: pipes not escaped by a backslash, minus the
// outer two.
func cells(line string) int {
	n := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n - 1
}
