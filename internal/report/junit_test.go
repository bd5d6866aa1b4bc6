package report

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/saprism/tfgate/internal/result"
)

// junitDoc is what JUnit consumers (GitHub test-report actions, GitLab)
// read: the suite counts and each testcase's outcome.
type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Cases    []struct {
			Classname string `xml:"classname,attr"`
			Name      string `xml:"name,attr"`
			File      string `xml:"file,attr"`
			Line      int    `xml:"line,attr"`
			Failure   *struct {
				Type string `xml:"type,attr"`
				Text string `xml:",chardata"`
			} `xml:"failure"`
			Skipped   *struct{} `xml:"skipped"`
			SystemOut string    `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestJUnit(t *testing.T) {
	deny := result.Finding{RuleID: "RDS-002", Address: "aws_db_instance.main", Enforcement: result.Deny, Message: "not multi-AZ ]]> <x>", File: "terraform/main.tf", Line: 42}
	warn := result.Finding{RuleID: "S3-001", Address: "aws_s3_bucket.b", Enforcement: result.Warning, Message: "no versioning"}
	adv := result.Finding{RuleID: "TAG-001", Address: "aws_s3_bucket.b", Enforcement: result.Advisory, Message: "tags"}
	waived := result.Finding{RuleID: "S3-002", Address: "aws_s3_bucket.c", Enforcement: result.Deny, Message: "public", Waived: true, Exception: "E1"}
	// The same rule on the same resource through two attributes: one testcase.
	deny2 := result.Finding{RuleID: "RDS-002", Address: "aws_db_instance.main", Enforcement: result.Warning, Message: "second attribute"}
	rules := []result.Rule{{ID: "RDS-002"}, {ID: "S3-001"}, {ID: "TAG-001"}, {ID: "S3-002"}, {ID: "ECR-001"}, {ID: "KMS-001"}}

	cases := []struct {
		name                     string
		findings                 []result.Finding
		strict                   bool
		tests, failures, skipped int
	}{
		{"mixed", []result.Finding{deny, warn, adv, waived, deny2}, false, 6, 1, 1},
		{"strict fails warnings", []result.Finding{deny, warn, adv}, true, 6, 2, 0},
		{"nothing found", nil, false, 6, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := &result.Result{Environment: "production", Strict: c.strict, Findings: c.findings, Rules: rules}
			out := render(t, "junit", Options{}, r)
			var doc junitDoc
			if err := xml.Unmarshal(out, &doc); err != nil {
				t.Fatalf("not XML: %v\n%s", err, out)
			}
			if len(doc.Suites) != 1 {
				t.Fatalf("%d suites", len(doc.Suites))
			}
			s := doc.Suites[0]
			if s.Tests != c.tests || s.Failures != c.failures || s.Skipped != c.skipped ||
				doc.Tests != c.tests || doc.Failures != c.failures || doc.Skipped != c.skipped {
				t.Errorf("counts: suites %d/%d/%d suite %d/%d/%d, want %d/%d/%d",
					doc.Tests, doc.Failures, doc.Skipped, s.Tests, s.Failures, s.Skipped, c.tests, c.failures, c.skipped)
			}
			if len(s.Cases) != s.Tests {
				t.Errorf("%d testcases, tests=%d", len(s.Cases), s.Tests)
			}
			failures, skipped := 0, 0
			for _, tc := range s.Cases {
				if tc.Failure != nil {
					failures++
				}
				if tc.Skipped != nil {
					skipped++
				}
				if tc.Classname == "" || tc.Name == "" {
					t.Errorf("testcase without classname or name: %+v", tc)
				}
			}
			if failures != c.failures || skipped != c.skipped {
				t.Errorf("testcases: %d failures %d skipped", failures, skipped)
			}
		})
	}

	// The deny testcase carries the rule, resource, location and both
	// messages (CDATA survives "]]>" in a message).
	out := render(t, "junit", Options{}, &result.Result{Environment: "production", Findings: []result.Finding{deny, deny2}})
	var doc junitDoc
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	tc := doc.Suites[0].Cases[0]
	if tc.Classname != "RDS-002" || tc.Name != "aws_db_instance.main" || tc.File != "terraform/main.tf" || tc.Line != 42 ||
		tc.Failure == nil || tc.Failure.Type != "deny" ||
		!strings.Contains(tc.Failure.Text, "not multi-AZ ]]> <x>") || !strings.Contains(tc.Failure.Text, "second attribute") {
		t.Errorf("testcase: %+v", tc)
	}
}
