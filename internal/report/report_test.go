package report

import (
	"strings"
	"testing"

	"github.com/saprism/tfgate/internal/result"
)

func TestParseOutput(t *testing.T) {
	cases := []struct {
		spec, format, file, err string
	}{
		{"text", "text", "", ""},
		{"json=out/result.json", "json", "out/result.json", ""},
		{"SARIF=tfgate.sarif", "sarif", "tfgate.sarif", ""},
		{"md=summary.md", "markdown", "summary.md", ""},
		{"junit=-", "junit", "", ""},
		{"markdown=a=b.md", "markdown", "a=b.md", ""},
		{"xml2=foo", "", "", `--output "xml2=foo": unknown format "xml2"`},
		{"yaml", "", "", `unknown format "yaml" (want one of text, json, sarif, junit, markdown)`},
		{"json=", "", "", `--output "json=": empty file name`},
		{"", "", "", "--output: empty value"},
	}
	for _, c := range cases {
		f, file, err := ParseOutput(c.spec)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want %q", c.spec, err, c.err)
			}
			continue
		}
		if err != nil || f != c.format || file != c.file {
			t.Errorf("%q: got %q %q %v, want %q %q", c.spec, f, file, err, c.format, c.file)
		}
	}
}

func TestNew(t *testing.T) {
	for _, f := range append(Formats, "md", "XML") {
		if _, err := New(f, Options{}); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if _, err := New("html", Options{}); err == nil || !strings.Contains(err.Error(), `"html"`) {
		t.Errorf("html: error %v", err)
	}
	r, _ := New("json", Options{})
	if err := r.Report(&strings.Builder{}, nil); err == nil {
		t.Error("nil result: no error")
	}
}

// prepare never mutates the caller's result: the gate writes the same
// result to several outputs and to the decision record.
func TestPrepareCopies(t *testing.T) {
	r := textResult()
	r.Findings[0].Message = "AKIAABCDEFGHIJKLMNOP leaked"
	before := r.Findings[0]
	c := prepare(r, nopRedactor{})
	c.Findings[0].Message = "changed"
	c.Findings[0].Docs = append(c.Findings[0].Docs, "x")
	if r.Findings[0].Message != before.Message || len(r.Findings[0].Docs) != 0 {
		t.Error("prepare shares findings with its input")
	}
	// Report order: deny, warn, advisory, waived.
	var got []result.Enforcement
	for _, f := range prepare(r, nopRedactor{}).Findings {
		if f.Waived {
			got = append(got, "waived")
		} else {
			got = append(got, f.Enforcement)
		}
	}
	if want := []result.Enforcement{"deny", "warn", "advisory", "waived"}; strings.Join(toStrings(got), ",") != strings.Join(toStrings(want), ",") {
		t.Errorf("order %v, want %v", got, want)
	}
}

func toStrings(e []result.Enforcement) []string {
	out := make([]string, len(e))
	for i, v := range e {
		out[i] = string(v)
	}
	return out
}
