// Package report renders a gate result for people and machines: text for a
// terminal, the versioned JSON document, SARIF 2.1.0 for code scanning, JUnit
// XML for CI test reports and Markdown for PR comments. Every reporter sees a
// copy of the result with each string scrubbed by a redactor, so no format
// can print a secret the gate failed to remove.
package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/saprism/tfgate/internal/plan"
	"github.com/saprism/tfgate/internal/result"
)

// Reporter writes one result in one format.
type Reporter interface {
	Report(w io.Writer, r *result.Result) error
}

// Redactor scrubs secrets from a string (*plan.Redactor satisfies it).
type Redactor interface {
	Redact(string) string
}

// Options shared by the formats.
type Options struct {
	// Color enables ANSI colours in the text format. The CLI decides: a
	// terminal and no NO_COLOR.
	Color bool
	// Redactor scrubs every string before rendering. Nil means a redactor
	// that knows no exact values and scrubs secret-looking ones only; the
	// CLI passes the plan's, which also knows its sensitive values.
	Redactor Redactor
	// FallbackFile is used (line 1) as the SARIF location of findings the
	// source mapper could not place, because GitHub code scanning rejects
	// results without a physical location. Relative to the repository root.
	FallbackFile string
	// Verbose lists every address of a repeated finding in the text
	// format (otherwise capped with "and N more").
	Verbose bool
	// MinSeverity hides findings below it in the text format. It filters
	// what is shown, never what decides: the verdict and the counts are
	// the gate's, and the machine formats carry every finding.
	MinSeverity result.Severity
}

// severityRank orders severities; an unrated finding ranks lowest.
func severityRank(s result.Severity) int {
	switch s {
	case result.Critical:
		return 4
	case result.High:
		return 3
	case result.Medium:
		return 2
	case result.Low:
		return 1
	}
	return 0
}

// ParseSeverity checks a --min-severity value ("" means show everything).
func ParseSeverity(s string) (result.Severity, error) {
	sev := result.Severity(strings.ToLower(strings.TrimSpace(s)))
	if sev == "" || severityRank(sev) > 0 {
		return sev, nil
	}
	return "", fmt.Errorf("--min-severity %q: want low, medium, high or critical", s)
}

// Formats lists the output formats New accepts.
var Formats = []string{"text", "json", "sarif", "junit", "markdown"}

var aliases = map[string]string{"md": "markdown", "xml": "junit"}

// New returns the reporter for format.
func New(format string, o Options) (Reporter, error) {
	red := o.Redactor
	if red == nil {
		red = plan.NewRedactor(nil)
	}
	var r Reporter
	switch canonical(format) {
	case "text":
		r = textReporter{color: o.Color, verbose: o.Verbose, minSeverity: o.MinSeverity}
	case "json":
		r = jsonReporter{}
	case "sarif":
		// The fallback location is printed too, so it is scrubbed like
		// every other string (fuzz finding: it was not).
		r = sarifReporter{fallback: stripControl(red.Redact(o.FallbackFile))}
	case "junit":
		r = junitReporter{}
	case "markdown":
		r = markdownReporter{}
	default:
		return nil, fmt.Errorf("unknown output format %q (want one of %s)", format, strings.Join(Formats, ", "))
	}
	return redacting{inner: r, red: red}, nil
}

func canonical(format string) string {
	f := strings.ToLower(strings.TrimSpace(format))
	if a, ok := aliases[f]; ok {
		return a
	}
	return f
}

// ParseOutput parses an --output value "FMT" or "FMT=FILE". An empty file
// (or "-") means standard output.
func ParseOutput(spec string) (format, file string, err error) {
	f, file, hasFile := strings.Cut(spec, "=")
	format = canonical(f)
	known := false
	for _, k := range Formats {
		known = known || k == format
	}
	switch {
	case strings.TrimSpace(spec) == "":
		return "", "", fmt.Errorf("--output: empty value (want FMT or FMT=FILE, FMT one of %s)", strings.Join(Formats, ", "))
	case !known:
		return "", "", fmt.Errorf("--output %q: unknown format %q (want one of %s)", spec, f, strings.Join(Formats, ", "))
	case hasFile && strings.TrimSpace(file) == "":
		return "", "", fmt.Errorf("--output %q: empty file name after '=' (use %s or %s=FILE)", spec, format, format)
	}
	if file == "-" {
		file = ""
	}
	return format, file, nil
}

// redacting renders a scrubbed, sorted copy of the result.
type redacting struct {
	inner Reporter
	red   Redactor
}

func (r redacting) Report(w io.Writer, res *result.Result) error {
	if res == nil {
		return fmt.Errorf("report: no result")
	}
	return r.inner.Report(w, prepare(res, r.red))
}

// prepare returns a deep copy of res with every string redacted, nil slices
// made empty (the JSON shape has [] not null) and findings in report order.
func prepare(res *result.Result, red Redactor) *result.Result {
	// Rule ids, titles, files and remediations repeat across findings; the
	// secret patterns are regexps, so each distinct string is scrubbed once.
	memo := map[string]string{}
	s := func(v string) string {
		if v == "" {
			return v
		}
		if r, ok := memo[v]; ok {
			return r
		}
		// Invalid UTF-8 (a path or value from outside the plan JSON) would
		// make the XML and JSON reports invalid documents (fuzz finding).
		r := stripControl(strings.ToValidUTF8(red.Redact(v), "\uFFFD"))
		memo[v] = r
		return r
	}
	c := *res
	if c.SchemaVersion == "" {
		c.SchemaVersion = result.SchemaVersion
	}
	c.Environment = s(c.Environment)
	c.Findings = make([]result.Finding, len(res.Findings))
	for i, f := range res.Findings {
		f.RuleID, f.Title, f.Address, f.Type = s(f.RuleID), s(f.Title), s(f.Address), s(f.Type)
		f.Attribute, f.Message, f.Remediation = s(f.Attribute), s(f.Message), s(f.Remediation)
		f.File, f.VarFile, f.Exception = s(f.File), s(f.VarFile), s(f.Exception)
		if f.SetAt != nil {
			v := *f.SetAt
			v.File, v.Kind = s(v.File), s(v.Kind)
			v.Via = make([]result.Hop, len(f.SetAt.Via))
			for j, h := range f.SetAt.Via {
				v.Via[j] = result.Hop{Module: s(h.Module), File: s(h.File), Line: h.Line}
			}
			f.SetAt = &v
		}
		f.Docs = strs(f.Docs, s)
		c.Findings[i] = f
	}
	sort.SliceStable(c.Findings, func(i, j int) bool { return findingLess(c.Findings[i], c.Findings[j]) })
	c.Exceptions = make([]result.Exception, len(res.Exceptions))
	for i, e := range res.Exceptions {
		e.ID, e.RuleID, e.Address, e.Reason = s(e.ID), s(e.RuleID), s(e.Address), s(e.Reason)
		e.Owner, e.Expires = s(e.Owner), s(e.Expires)
		e.UsedBy = strs(e.UsedBy, s)
		c.Exceptions[i] = e
	}
	c.Plan.Destroys = strs(res.Plan.Destroys, s)
	c.Rules = make([]result.Rule, len(res.Rules))
	for i, r := range res.Rules {
		r.ID, r.Title, r.Description, r.Remediation, r.Package = s(r.ID), s(r.Title), s(r.Description), s(r.Remediation), s(r.Package)
		r.Docs = strs(r.Docs, s)
		c.Rules[i] = r
	}
	c.PlanSHA256, c.PolicyHash, c.ToolVersion = s(c.PlanSHA256), s(c.PolicyHash), s(c.ToolVersion)
	if res.Drift != nil {
		d := result.Drift{Resources: make([]result.DriftedResource, len(res.Drift.Resources))}
		for i, dr := range res.Drift.Resources {
			dr.Address, dr.Type, dr.Action, dr.File = s(dr.Address), s(dr.Type), s(dr.Action), s(dr.File)
			attrs := make([]result.DriftedAttribute, len(dr.Attributes))
			for j, a := range dr.Attributes {
				attrs[j] = result.DriftedAttribute{Path: s(a.Path), Before: s(a.Before), After: s(a.After)}
			}
			dr.Attributes = attrs
			d.Resources[i] = dr
		}
		c.Drift = &d
	}
	if res.PolicyChanges != nil {
		pc := *res.PolicyChanges
		pc.TrustedRef, pc.TrustedCommit = s(pc.TrustedRef), s(pc.TrustedCommit)
		pc.Changes = make([]result.PolicyChange, len(res.PolicyChanges.Changes))
		for i, ch := range res.PolicyChanges.Changes {
			pc.Changes[i] = result.PolicyChange{Kind: s(ch.Kind), Subject: s(ch.Subject), Detail: s(ch.Detail)}
		}
		c.PolicyChanges = &pc
	}
	// A caller that built findings without deciding gets consistent counts
	// rather than a report that contradicts its own list.
	if c.Summary.Total != len(c.Findings) || c.Verdict == "" {
		c.Decide()
	}
	return &c
}

// stripControl drops control characters other than newline and tab: they
// would drive a terminal (ANSI escapes in a message) or make XML invalid.
func stripControl(s string) string {
	clean := true
	for _, r := range s {
		if isControl(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return -1
		}
		return r
	}, s)
}

func isControl(r rune) bool {
	return (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0xfffe || r == 0xffff
}

func strs(in []string, f func(string) string) []string {
	if in == nil {
		return nil
	}
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

// group is where a finding is listed: waived findings apart, the rest by
// enforcement.
type group int

const (
	groupDeny group = iota
	groupWarn
	groupAdvisory
	groupWaived
)

func groupOf(f result.Finding) group {
	switch {
	case f.Waived:
		return groupWaived
	case f.Enforcement == result.Deny:
		return groupDeny
	case f.Enforcement == result.Warning:
		return groupWarn
	}
	return groupAdvisory
}

func findingLess(a, b result.Finding) bool {
	if ga, gb := groupOf(a), groupOf(b); ga != gb {
		return ga < gb
	}
	if a.File != b.File {
		// Located findings first: they are the ones a reader can act on.
		if a.File == "" || b.File == "" {
			return b.File == ""
		}
		return a.File < b.File
	}
	if a.Line != b.Line {
		return a.Line < b.Line
	}
	if a.RuleID != b.RuleID {
		return a.RuleID < b.RuleID
	}
	return a.Address < b.Address
}

// location is "file:line" (or "" when unknown).
func location(file string, line int) string {
	switch {
	case file == "":
		return ""
	case line <= 0:
		return file
	}
	return fmt.Sprintf("%s:%d", file, line)
}

// valueSet describes where a finding's value was chosen: "set at F:L via
// module.a → module.a.module.b" from SetAt, else the tfvars line; "" when
// neither is known.
func valueSet(f result.Finding, code func(string) string) string {
	if v := f.SetAt; v != nil && v.File != "" && v.Kind == "module" && len(v.Via) > 0 {
		return "chosen inside " + code(v.Via[0].Module) + ", called at " + code(location(v.File, v.Line))
	}
	if v := f.SetAt; v != nil && v.File != "" {
		s := "set at " + code(location(v.File, v.Line))
		if v.Kind == "default" {
			s += " (default)"
		}
		if len(v.Via) > 0 {
			mods := v.ViaModules()
			for i := range mods {
				mods[i] = code(mods[i])
			}
			s += " via " + strings.Join(mods, " → ")
		}
		return s
	}
	if v := location(f.VarFile, f.VarLine); v != "" {
		return "set at " + code(v)
	}
	return ""
}

func plain(s string) string { return s }

// planLine is Terraform's own summary wording.
func planLine(p result.PlanSummary) string {
	s := fmt.Sprintf("%d to add, %d to change, %d to destroy", p.Add, p.Change, p.Destroy)
	if p.Replace > 0 {
		s += fmt.Sprintf(" (%d replaced)", p.Replace)
	}
	return s
}

// countsLine is the findings summary used by text and markdown.
func countsLine(s result.Summary) string {
	parts := []string{
		plural(s.Deny, "denied", "denied"),
		plural(s.Warn, "warning", "warnings"),
		plural(s.Advisory, "advisory", "advisory"),
		plural(s.Waived, "waived", "waived"),
	}
	if s.Unknown > 0 {
		parts = append(parts, fmt.Sprintf("%d unknown until apply", s.Unknown))
	}
	return strings.Join(parts, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// exceptionLabel names what an exception did in this run: an active one
// that waived something was "used".
func exceptionLabel(e result.Exception) string {
	if e.Status == result.ExceptionActive && len(e.UsedBy) > 0 {
		return "used"
	}
	return string(e.Status)
}

// ruleIndex maps rule ids to their metadata.
func ruleIndex(rules []result.Rule) map[string]result.Rule {
	m := make(map[string]result.Rule, len(rules))
	for _, r := range rules {
		m[r.ID] = r
	}
	return m
}

// shortCommit is the abbreviated commit id reports show.
func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}

// DriftRuleID is the rule id under which formats that only know findings
// (SARIF, JUnit) carry drifted resources.
const DriftRuleID = "DRIFT"

// driftFindings renders each drifted resource as a denied finding, for the
// formats whose only unit is a finding.
func driftFindings(r *result.Result) []result.Finding {
	if r.Drift == nil {
		return nil
	}
	out := make([]result.Finding, 0, len(r.Drift.Resources))
	for _, d := range r.Drift.Resources {
		out = append(out, result.Finding{
			RuleID: DriftRuleID, Title: "Changed outside Terraform", Address: d.Address, Type: d.Type,
			Enforcement: result.Deny, Severity: result.High, Message: driftLine(d),
			Remediation: "Run `tfgate up` to restore the configuration, or change the configuration to match and review it.",
			File:        d.File, Line: d.Line,
		})
	}
	return out
}

// driftLine is one resource's drift on one line.
func driftLine(d result.DriftedResource) string {
	if d.Action == "deleted" {
		return d.Address + " was deleted outside Terraform"
	}
	parts := make([]string, 0, len(d.Attributes))
	for _, a := range d.Attributes {
		parts = append(parts, fmt.Sprintf("%s: %s → %s", a.Path, a.Before, a.After))
	}
	return d.Address + " changed outside Terraform: " + strings.Join(parts, "; ")
}
