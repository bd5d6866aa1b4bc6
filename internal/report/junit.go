package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/saprism/tfgate/internal/result"
)

// JUnit XML for CI test reports (GitHub test-report actions, GitLab
// artifacts:reports:junit). One testcase per rule × resource: classname is
// the rule id, name the resource address. A deny is a <failure> (so is a
// warning under --strict, which fails the verdict too); warnings and
// advisories pass with their message in <system-out>, because marking
// them skipped would hide that the rule ran and found something; a waived
// finding is <skipped> with the exception that waived it. Rules with no
// finding appear as one passing testcase, so the report shows what was
// checked.

type junitReporter struct{}

// JUnitSuites is the JUnit XML document; `tfgate test` (internal/suite)
// writes its go test results in the same model.
type JUnitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []JUnitSuite `xml:"testsuite"`
}

// JUnitSuite is one <testsuite>.
type JUnitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Properties []JUnitProperty `xml:"properties>property"`
	Cases      []JUnitCase     `xml:"testcase"`
}

// JUnitProperty is one <property> of a suite.
type JUnitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// JUnitCase is one <testcase>.
type JUnitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Time      string        `xml:"time,attr"`
	Failure   *JUnitFailure `xml:"failure"`
	Skipped   *JUnitSkipped `xml:"skipped"`
	SystemOut *JUnitText    `xml:"system-out"`
}

// JUnitText keeps multi-line text readable in the file (chardata would
// escape every newline).
type JUnitText struct {
	Text string `xml:",cdata"`
}

// JUnitFailure marks a failed case.
type JUnitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

// JUnitSkipped marks a skipped case.
type JUnitSkipped struct {
	Message string `xml:"message,attr"`
}

func (junitReporter) Report(w io.Writer, r *result.Result) error {
	if df := driftFindings(r); len(df) > 0 {
		c := *r
		c.Findings = append(append([]result.Finding(nil), r.Findings...), df...)
		r = &c
	}
	suite := JUnitSuite{
		Name: "tfgate " + r.Environment,
		Time: "0",
		Properties: []JUnitProperty{
			{"environment", r.Environment},
			{"verdict", string(r.Verdict)},
			{"plan", planLine(r.Plan)},
		},
	}
	if !r.Time.IsZero() {
		suite.Timestamp = r.Time.UTC().Format("2006-01-02T15:04:05")
	}

	// Group by rule × resource, in report order.
	type key struct{ rule, addr string }
	var order []key
	cases := map[key][]result.Finding{}
	for _, f := range r.Findings {
		k := key{f.RuleID, f.Address}
		if _, ok := cases[k]; !ok {
			order = append(order, k)
		}
		cases[k] = append(cases[k], f)
	}
	for _, k := range order {
		suite.Cases = append(suite.Cases, junitCaseOf(k.rule, k.addr, cases[k], r.Strict))
	}
	fired := map[string]bool{}
	for _, f := range r.Findings {
		fired[f.RuleID] = true
	}
	rules := append([]result.Rule(nil), r.Rules...)
	sort.Slice(rules, func(i, j int) bool { return rules[i].ID < rules[j].ID })
	for _, rule := range rules {
		if !fired[rule.ID] {
			suite.Cases = append(suite.Cases, JUnitCase{Classname: rule.ID, Name: "all resources", Time: "0"})
		}
	}
	for _, c := range suite.Cases {
		suite.Tests++
		if c.Failure != nil {
			suite.Failures++
		}
		if c.Skipped != nil {
			suite.Skipped++
		}
	}
	doc := JUnitSuites{
		Name: "tfgate", Tests: suite.Tests, Failures: suite.Failures, Skipped: suite.Skipped,
		Time: "0", Suites: []JUnitSuite{suite},
	}
	return WriteJUnit(w, doc)
}

// WriteJUnit writes doc as an indented JUnit XML file.
func WriteJUnit(w io.Writer, doc JUnitSuites) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// junitCaseOf merges the findings of one rule on one resource (a rule may
// fire on several attributes). The strongest effect decides the outcome.
func junitCaseOf(rule, addr string, fs []result.Finding, strict bool) JUnitCase {
	c := JUnitCase{Classname: rule, Name: addr, Time: "0", File: fs[0].File, Line: fs[0].Line}
	var text []string
	failing, waived := false, true
	for _, f := range fs {
		if !f.Waived {
			waived = false
			if f.Enforcement == result.Deny || (strict && f.Enforcement == result.Warning) {
				failing = true
			}
		}
		text = append(text, junitText(f))
	}
	body := strings.Join(text, "\n\n")
	switch {
	case failing:
		for _, f := range fs {
			if !f.Waived && (f.Enforcement == result.Deny || strict && f.Enforcement == result.Warning) {
				c.Failure = &JUnitFailure{Message: f.Message, Type: string(f.Enforcement), Text: body}
				break
			}
		}
	case waived:
		c.Skipped = &JUnitSkipped{Message: "waived by exception " + fs[0].Exception}
		c.SystemOut = &JUnitText{body}
	default:
		c.SystemOut = &JUnitText{body}
	}
	return c
}

func junitText(f result.Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s [%s, %s]", f.RuleID, f.Address, f.Enforcement, orNone(string(f.Severity)))
	if f.Unknown {
		b.WriteString(" [unknown until apply]")
	}
	if f.Waived {
		fmt.Fprintf(&b, " [waived by %s]", orNone(f.Exception))
	}
	fmt.Fprintf(&b, "\n%s", f.Message)
	if loc := location(f.File, f.Line); loc != "" {
		fmt.Fprintf(&b, "\nat %s", loc)
	}
	if set := valueSet(f, plain); set != "" {
		fmt.Fprintf(&b, "\nvalue %s", set)
	}
	if f.Remediation != "" {
		fmt.Fprintf(&b, "\nfix: %s", f.Remediation)
	}
	return b.String()
}
