package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/url"
	"sort"
	"strings"

	"github.com/saprism/tfgate/internal/result"
)

// SARIF 2.1.0 for GitHub code scanning (and any SARIF viewer). Results carry
// a physical location relative to %SRCROOT% (the repository root) so the
// finding annotates the .tf line in the pull request.

const (
	sarifSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	sarifVersion = "2.1.0"
	srcRoot      = "%SRCROOT%"
	toolInfoURI  = "https://github.com/saprism/tfgate"
)

type sarifReporter struct{ fallback string }

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Automation  *sarifAutomation  `json:"automationDetails,omitempty"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
	Properties  map[string]any    `json:"properties,omitempty"`
}

type sarifAutomation struct {
	ID string `json:"id"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool `json:"executionSuccessful"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifMultiText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string          `json:"id"`
	Name                 string          `json:"name,omitempty"`
	ShortDescription     *sarifText      `json:"shortDescription,omitempty"`
	FullDescription      *sarifText      `json:"fullDescription,omitempty"`
	Help                 *sarifMultiText `json:"help,omitempty"`
	HelpURI              string          `json:"helpUri,omitempty"`
	DefaultConfiguration *sarifConfig    `json:"defaultConfiguration,omitempty"`
	Properties           map[string]any  `json:"properties,omitempty"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	RelatedLocations    []sarifLocation    `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Properties          map[string]any     `json:"properties,omitempty"`
}

type sarifLocation struct {
	ID               *int                   `json:"id,omitempty"`
	PhysicalLocation *sarifPhysical         `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogicalLocation `json:"logicalLocations,omitempty"`
	Message          *sarifText             `json:"message,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifLogicalLocation struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification,omitempty"`
}

// sarifLevel maps enforcement to SARIF levels; GitHub shows error, warning
// and note as such.
func sarifLevel(e result.Enforcement) string {
	switch e {
	case result.Deny:
		return "error"
	case result.Warning:
		return "warning"
	}
	return "note"
}

// securitySeverity is GitHub's numeric CVSS-like score, which drives the
// critical/high/medium/low label of a security alert.
func securitySeverity(s result.Severity) string {
	switch s {
	case result.Critical:
		return "9.5"
	case result.High:
		return "8.0"
	case result.Medium:
		return "5.5"
	}
	return "3.0"
}

func (s sarifReporter) Report(w io.Writer, r *result.Result) error {
	if df := driftFindings(r); len(df) > 0 {
		c := *r
		c.Findings = append(append([]result.Finding(nil), r.Findings...), df...)
		r = &c
	}
	rules, index := s.rules(r)
	results := make([]sarifResult, 0, len(r.Findings))
	for _, f := range r.Findings {
		results = append(results, s.result(f, index[f.RuleID]))
	}
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           "tfgate",
			Version:        r.ToolVersion,
			InformationURI: toolInfoURI,
			Rules:          rules,
		}},
		Invocations: []sarifInvocation{{ExecutionSuccessful: true}},
		Results:     results,
		Properties: map[string]any{
			"verdict":     string(r.Verdict),
			"environment": r.Environment,
		},
	}
	if r.Environment != "" {
		// GitHub keeps one analysis per category: one per environment.
		run.Automation = &sarifAutomation{ID: "tfgate/" + r.Environment + "/"}
	}
	log := sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

// rules lists the run's rules (plus any rule a finding names that the
// metadata lacks) sorted by id, and each id's index.
func (s sarifReporter) rules(r *result.Result) ([]sarifRule, map[string]int) {
	meta := ruleIndex(r.Rules)
	for _, f := range r.Findings {
		if _, ok := meta[f.RuleID]; !ok {
			meta[f.RuleID] = result.Rule{ID: f.RuleID, Title: f.Title, Severity: f.Severity,
				Remediation: f.Remediation, Docs: f.Docs}
		}
	}
	ids := make([]string, 0, len(meta))
	for id := range meta {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make([]sarifRule, 0, len(ids))
	index := make(map[string]int, len(ids))
	for i, id := range ids {
		index[id] = i
		out = append(out, sarifRuleOf(meta[id], r.Environment))
	}
	return out, index
}

func sarifRuleOf(m result.Rule, env string) sarifRule {
	title := m.Title
	if title == "" {
		title = m.ID
	}
	desc := m.Description
	if desc == "" {
		desc = title
	}
	help := &sarifMultiText{Text: desc}
	var md strings.Builder
	md.WriteString("**" + title + "**\n\n" + desc)
	if m.Remediation != "" {
		help.Text += "\n\nRemediation: " + m.Remediation
		md.WriteString("\n\n**Remediation:** " + m.Remediation)
	}
	for _, d := range m.Docs {
		help.Text += "\n" + d
		md.WriteString("\n\n- <" + d + ">")
	}
	help.Markdown = md.String()
	rule := sarifRule{
		ID:               m.ID,
		Name:             ruleName(m),
		ShortDescription: &sarifText{Text: title},
		FullDescription:  &sarifText{Text: desc},
		Help:             help,
		Properties: map[string]any{
			"tags":              []string{"terraform", "security", "tfgate"},
			"precision":         "very-high",
			"security-severity": securitySeverity(m.Severity),
		},
	}
	if m.Severity != "" {
		rule.Properties["severity"] = string(m.Severity)
	}
	// helpUri must be an absolute URI; a custom rule's related_resources
	// may hold anything (fuzz finding: a relative path made the whole log
	// invalid SARIF). The docs stay in the help text either way.
	for _, d := range m.Docs {
		if webURL(d) {
			rule.HelpURI = d
			break
		}
	}
	if e, ok := m.Enforcement[env]; ok {
		rule.DefaultConfiguration = &sarifConfig{Level: sarifLevel(e)}
	}
	return rule
}

// ruleName is a PascalCase name from the title, which SARIF viewers show
// next to the id.
func ruleName(m result.Rule) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(m.Title, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

func (s sarifReporter) result(f result.Finding, ruleIdx int) sarifResult {
	msg := f.Message
	if f.Unknown {
		msg = "(unknown until apply) " + msg
	}
	if f.Address != "" {
		msg += " [" + f.Address + "]"
	}
	loc := sarifLocation{
		LogicalLocations: []sarifLogicalLocation{{FullyQualifiedName: f.Address, Kind: "resource"}},
	}
	var related []sarifLocation
	relate := func(file string, line int, text string) {
		id := len(related) + 1
		related = append(related, sarifLocation{ID: &id, PhysicalLocation: physical(file, line), Message: &sarifText{Text: text}})
	}
	switch set := f.SetAt; {
	case set != nil && set.File != "":
		// The annotation goes where the value was chosen: a module's own
		// line is shared by every instance of the module, the caller's
		// argument (or the entry, or the tfvars line) is this instance's.
		// Code scanning only places files of the repository, so a value
		// chosen inside an installed module (.terraform/, a default)
		// annotates the first place of the chain that is in it: the
		// module call.
		places := []sarifPlace{{set.File, set.Line, "value set here"}}
		for _, h := range set.Via {
			places = append(places, sarifPlace{h.File, h.Line, "passed to " + h.Module})
		}
		if f.File != "" {
			places = append(places, sarifPlace{f.File, f.Line, "resource " + f.Address})
		}
		if f.VarFile != "" {
			places = append(places, sarifPlace{f.VarFile, f.VarLine, "value set here"})
		}
		primary := 0
		for i, p := range places {
			if !installed(p.file) {
				primary = i
				break
			}
		}
		loc.PhysicalLocation = physical(places[primary].file, places[primary].line)
		seen := map[string]bool{location(places[primary].file, places[primary].line): true}
		for _, p := range places {
			if k := location(p.file, p.line); !seen[k] {
				seen[k] = true
				relate(p.file, p.line, p.text)
			}
		}
	case f.File != "":
		loc.PhysicalLocation = physical(f.File, f.Line)
	case s.fallback != "":
		loc.PhysicalLocation = physical(s.fallback, 1)
	}
	if f.SetAt == nil && f.VarFile != "" {
		relate(f.VarFile, f.VarLine, "value set here")
	}
	res := sarifResult{
		RuleID:    f.RuleID,
		RuleIndex: ruleIdx,
		Level:     sarifLevel(f.Enforcement),
		Message:   sarifText{Text: msg},
		Locations: []sarifLocation{loc},
		// Stable across line moves, so GitHub tracks one alert per rule
		// and resource rather than per line.
		PartialFingerprints: map[string]string{"tfgateFinding/v1": fingerprint(f)},
		Properties: map[string]any{
			"enforcement": string(f.Enforcement),
			"address":     f.Address,
		},
	}
	if f.Severity != "" {
		res.Properties["severity"] = string(f.Severity)
	}
	if f.Attribute != "" {
		res.Properties["attribute"] = f.Attribute
	}
	if f.Unknown {
		res.Properties["unknown"] = true
	}
	res.RelatedLocations = related
	if f.Waived {
		res.Suppressions = []sarifSuppression{{
			Kind:          "external",
			Status:        "accepted",
			Justification: "waived by exception " + f.Exception,
		}}
	}
	return res
}

type sarifPlace struct {
	file string
	line int
	text string
}

// installed: a module copy terraform init made, not a file of the
// repository.
func installed(file string) bool {
	return strings.HasPrefix(file, ".terraform/") || strings.Contains(file, "/.terraform/")
}

func physical(file string, line int) *sarifPhysical {
	p := &sarifPhysical{ArtifactLocation: sarifArtifact{URI: uriPath(file), URIBaseID: srcRoot}}
	if line > 0 {
		p.Region = &sarifRegion{StartLine: line}
	}
	return p
}

// uriPath percent-encodes what a relative URI reference cannot hold
// (spaces, %, #, ?), keeping slashes.
func uriPath(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		// ':' too: a relative reference whose first segment holds a colon
		// reads as a scheme (fuzz finding: file "x:" made invalid SARIF).
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`%#?:"<>\^`+"`{|}[]", c) >= 0 {
			b.WriteString("%" + strings.ToUpper(hex.EncodeToString([]byte{c})))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func fingerprint(f result.Finding) string {
	sum := sha256.Sum256([]byte(f.RuleID + "\x00" + f.Address + "\x00" + f.Attribute))
	return hex.EncodeToString(sum[:16])
}

// webURL reports whether s is an absolute http(s) URL that SARIF consumers
// accept as a uri.
func webURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return false
	}
	if h := u.Hostname(); strings.Contains(h, ":") && (net.ParseIP(h) == nil || !strings.Contains(u.Host, "[")) {
		return false
	}
	return true
}
