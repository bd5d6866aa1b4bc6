package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/saprism/tfgate/internal/plan"
	"github.com/saprism/tfgate/internal/result"
)

// FuzzReports renders a result whose every free-text field is fuzzed, with
// a planted secret (known to the redactor, as a plan's sensitive value is)
// spliced into some of them, in every format: each stays a valid document
// (SARIF against the official 2.1.0 schema, JUnit as well-formed XML,
// Markdown tables keep their shape, text carries no control characters) and
// no output holds the secret or any fragment starting with its marker.
func FuzzReports(f *testing.F) {
	f.Add("RDS-002", "aws_db_instance.main", "multi_az is false", "rotate it", "terraform/main.tf", "-suffix-1", uint16(0xffff))
	f.Add("a|b", "x\ny", "<script>&", "*bold* `c`", "]]>", "<&\"|>", uint16(0x5555))
	f.Add("\x1b[31m", "\x00\x7f\u0085", "\ufffe", "```", "../../etc/passwd", "\n", uint16(1))
	f.Add("", "", "", "", "", "", uint16(0))
	f.Add("DB_PASSWORD=hunter2", "postgres://u:p@h/db", "AKIAABCDEFGHIJKLMNOP", "-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----", "%s%d", "\\", uint16(0xaaaa))
	schema := officialSARIFSchema(f)
	f.Fuzz(func(t *testing.T, rule, addr, msg, fix, file, suffix string, plant uint16) {
		for _, s := range []string{rule, addr, msg, fix, file} {
			if strings.Contains(strings.ToUpper(s), canaryWord) {
				return // the marker must come from the planted secret only
			}
		}
		secret := canaryWord + suffix
		red := plan.NewRedactor([]string{secret})
		bit := 0
		s := func(v string) string {
			bit++
			if plant&(1<<(bit%16)) != 0 {
				return v[:len(v)/2] + secret + v[len(v)/2:]
			}
			return v
		}
		res := &result.Result{
			SchemaVersion: result.SchemaVersion, Environment: "production",
			Plan: result.PlanSummary{Destroy: 1, Destroys: []string{s(addr)}},
		}
		for i, e := range []result.Enforcement{result.Deny, result.Warning, result.Advisory} {
			res.Findings = append(res.Findings, result.Finding{
				RuleID: s(rule), Title: s(msg), Address: s(addr), Attribute: s(fix), Enforcement: e,
				Severity: result.High, Message: s(msg), Remediation: s(fix), Docs: []string{s(file)},
				File: s(file), Line: i, VarFile: s(file), VarLine: i, Waived: i == 2, Exception: s(rule), Unknown: i == 1,
			})
		}
		res.Exceptions = []result.Exception{{ID: s(rule), RuleID: s(rule), Address: s(addr), Reason: s(msg), Owner: s(fix),
			Expires: "2026-12-01", Status: result.ExceptionActive, UsedBy: []string{s(addr)}}}
		res.Rules = []result.Rule{{ID: s(rule), Title: s(msg), Description: s(fix), Remediation: s(fix), Docs: []string{s(file)}}}
		res.Decide()

		for _, format := range Formats {
			rep, err := New(format, Options{Redactor: red, FallbackFile: s(file)})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := rep.Report(&buf, res); err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			out := buf.Bytes()
			if i := bytes.Index(bytes.ToUpper(out), []byte(canaryWord)); i >= 0 {
				t.Fatalf("%s: the planted secret leaked near %q", format, out[max(0, i-30):min(len(out), i+40)])
			}
			switch format {
			case "json":
				if !json.Valid(out) {
					t.Fatalf("json: invalid document:\n%s", out)
				}
			case "sarif":
				doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
				if err != nil {
					t.Fatalf("sarif: not JSON: %v", err)
				}
				if err := schema.Validate(doc); err != nil {
					t.Fatalf("sarif: not valid SARIF 2.1.0: %v\n%s", err, out)
				}
			case "junit":
				wellFormedXML(t, out)
			case "markdown":
				markdownTablesKeepShape(t, string(out))
			case "text":
				for _, r := range string(out) {
					if isControl(r) {
						t.Fatalf("text: control character %U in output", r)
					}
				}
			}
		}
	})
}

func wellFormedXML(t *testing.T, out []byte) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(out))
	depth, roots := 0, 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("junit: not well-formed XML: %v\n%s", err, out)
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
	if depth != 0 || roots != 1 {
		t.Fatalf("junit: %d root elements, depth %d at the end", roots, depth)
	}
}

// markdownTablesKeepShape: every row of a GFM table has as many cells as
// its header (a '|' not preceded by a backslash separates cells).
func markdownTablesKeepShape(t *testing.T, out string) {
	t.Helper()
	want := -1
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "|") {
			want = -1
			continue
		}
		n := 0
		for i := 0; i < len(line); i++ {
			if line[i] == '|' && (i == 0 || line[i-1] != '\\') {
				n++
			}
		}
		if want < 0 {
			want = n
		} else if n != want {
			t.Fatalf("markdown: row has %d separators, header %d: %q", n, want, line)
		}
	}
}
