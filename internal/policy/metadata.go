package policy

import (
	"fmt"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/saprism/tfgate/internal/result"
)

// DefaultEnforcement by severity, used when a rule does not say: enforcement
// grows with the environment (dev advisory, staging warn, production deny).
var DefaultEnforcement = map[result.Severity]map[string]result.Enforcement{
	result.Critical: {"dev": result.Advisory, "staging": result.Warning, "production": result.Deny},
	result.High:     {"dev": result.Advisory, "staging": result.Warning, "production": result.Deny},
	result.Medium:   {"dev": result.Advisory, "staging": result.Advisory, "production": result.Warning},
	result.Low:      {"dev": result.Advisory, "staging": result.Advisory, "production": result.Advisory},
}

// rule is a compiled rule: its metadata and where its findings are.
type rule struct {
	result.Rule
	ref ast.Ref // data.tfgate.aws.rds.deletion_protection
	loc string  // file:line of the rule, for error messages
}

func parseSeverity(v any) (result.Severity, bool) {
	s, _ := v.(string)
	switch sev := result.Severity(strings.ToLower(s)); sev {
	case result.Low, result.Medium, result.High, result.Critical:
		return sev, true
	}
	return "", false
}

func parseEnforcement(v string) (result.Enforcement, bool) {
	switch e := result.Enforcement(strings.ToLower(v)); e {
	case result.Advisory, result.Warning, result.Deny:
		return e, true
	}
	return "", false
}

// rulesFrom collects every rule-scoped METADATA block that has custom.id:
// those rules are the library; helpers and tests carry no id.
func rulesFrom(c *ast.Compiler) ([]*rule, error) {
	seen := map[string]string{}
	byRef := map[string]*rule{}
	var out []*rule
	var errs []string
	for _, ar := range c.GetAnnotationSet().Flatten() {
		a := ar.Annotations
		if a == nil || a.Scope != "rule" || a.Custom == nil {
			continue
		}
		loc := ""
		if a.Location != nil {
			loc = fmt.Sprintf("%s:%d", a.Location.File, a.Location.Row)
		}
		if a.Location != nil && isTest(a.Location.File) {
			continue
		}
		id, _ := a.Custom["id"].(string)
		if id == "" {
			continue
		}
		// A rule with several bodies may repeat its METADATA: one entry per ref.
		if r, ok := byRef[ar.Path.String()]; ok && r.ID == id {
			continue
		}
		if prev, dup := seen[id]; dup {
			errs = append(errs, fmt.Sprintf("%s: rule id %s already used at %s", loc, id, prev))
			continue
		}
		seen[id] = loc
		r := &rule{ref: ar.Path, loc: loc}
		r.ID = id
		r.Title = a.Title
		r.Description = strings.TrimSpace(a.Description)
		r.Package = packageOf(ar.Path)
		sev, ok := parseSeverity(a.Custom["severity"])
		if !ok {
			errs = append(errs, fmt.Sprintf("%s: rule %s: custom.severity must be low|medium|high|critical, got %v", loc, id, a.Custom["severity"]))
			continue
		}
		r.Severity = sev
		r.Enforcement = map[string]result.Enforcement{}
		for env, e := range DefaultEnforcement[sev] {
			r.Enforcement[env] = e
		}
		if raw, ok := a.Custom["enforcement"]; ok {
			m, ok := raw.(map[string]any)
			if !ok {
				errs = append(errs, fmt.Sprintf("%s: rule %s: custom.enforcement must map environment to advisory|warn|deny", loc, id))
				continue
			}
			for env, v := range m {
				s, _ := v.(string)
				e, ok := parseEnforcement(s)
				if !ok {
					errs = append(errs, fmt.Sprintf("%s: rule %s: enforcement %s: %v is not advisory|warn|deny", loc, id, env, v))
					continue
				}
				r.Enforcement[env] = e
			}
		}
		if raw, ok := a.Custom["controls"]; ok {
			l, ok := raw.([]any)
			for _, c := range l {
				s, isStr := c.(string)
				ok = ok && isStr && s != ""
				r.Controls = append(r.Controls, s)
			}
			if !ok {
				errs = append(errs, fmt.Sprintf("%s: rule %s: custom.controls must be a list of control ids", loc, id))
				continue
			}
		}
		r.Remediation, _ = a.Custom["remediation"].(string)
		r.Remediation = strings.TrimSpace(r.Remediation)
		for _, rr := range a.RelatedResources {
			r.Docs = append(r.Docs, rr.Ref.String())
		}
		byRef[ar.Path.String()] = r
		out = append(out, r)
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		return nil, fmt.Errorf("policy metadata error:\n  %s", strings.Join(errs, "\n  "))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// packageOf turns data.tfgate.aws.rds.x into tfgate.aws.rds.
func packageOf(ref ast.Ref) string {
	parts := make([]string, 0, len(ref))
	for _, t := range ref[1 : len(ref)-1] {
		if s, ok := t.Value.(ast.String); ok {
			parts = append(parts, string(s))
		}
	}
	return strings.Join(parts, ".")
}

// enforcementFor resolves a rule's enforcement in env: tfgate.yaml override,
// then the rule's own, then production's (an unknown environment gets the
// strictest known one: fail closed).
func (e *Engine) enforcementFor(r *rule, env string) result.Enforcement {
	if o, ok := e.overrides[r.ID][env]; ok {
		return o
	}
	if v, ok := r.Enforcement[env]; ok {
		return v
	}
	if o, ok := e.overrides[r.ID]["production"]; ok {
		return o
	}
	return r.Enforcement["production"]
}
