package gate

import (
	"strings"

	"github.com/saprism/tfgate/internal/plan"
	"github.com/saprism/tfgate/internal/result"
)

// driftPrefix starts the message of a finding that drift caused.
const driftPrefix = "drifted outside Terraform into non-compliance: "

// applyDrift ties the drift report to the findings of the refreshed state:
// a finding on an attribute that drifted is a deny in every environment
// (nobody reviewed that change, so no environment's leniency applies), and
// every drifted resource gets its .tf location.
func applyDrift(o Options, p *plan.Plan, cs configSource, findings []result.Finding) error {
	d := o.Drift
	if d == nil {
		return nil
	}
	attrs := map[string]map[string]bool{} // address -> drifted top-level attributes
	for _, r := range d.Resources {
		m := map[string]bool{}
		for _, a := range r.Attributes {
			m[topLevel(a.Path)] = true
		}
		attrs[r.Address] = m
	}
	for i := range findings {
		f := &findings[i]
		m, ok := attrs[f.Address]
		if !ok || f.Waived || !m[topLevel(f.Attribute)] {
			continue
		}
		f.Enforcement = result.Deny
		f.Message = driftPrefix + f.Message
	}
	// Locations: the resource's block (or the first drifted attribute's
	// line when the source mapper knows it).
	loc := make([]result.Finding, len(d.Resources))
	for i, r := range d.Resources {
		loc[i] = result.Finding{Address: r.Address, Type: r.Type}
		if len(r.Attributes) > 0 {
			loc[i].Attribute = topLevel(r.Attributes[0].Path)
		}
	}
	if _, err := annotate(o, p, cs, loc); err != nil {
		return err
	}
	for i := range d.Resources {
		d.Resources[i].File, d.Resources[i].Line = loc[i].File, loc[i].Line
		d.Resources[i].Address = p.Redactor.Redact(d.Resources[i].Address)
		for j := range d.Resources[i].Attributes {
			a := &d.Resources[i].Attributes[j]
			a.Before, a.After = p.Redactor.Redact(a.Before), p.Redactor.Redact(a.After)
		}
	}
	return nil
}

// topLevel is the first segment of an attribute path: "ingress" of
// "ingress[0].cidr_blocks" or of "ingress.cidr_blocks".
func topLevel(path string) string {
	if i := strings.IndexAny(path, ".["); i >= 0 {
		return path[:i]
	}
	return path
}
