package policy

import (
	"context"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/saprism/tfgate/internal/result"
)

// libraryQuery evaluates query (binding x) on the embedded library with
// its tests loaded (the cases live in test files).
func libraryQuery(t *testing.T, query string) any {
	t.Helper()
	srcs, err := assemble(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	mods, err := parse(srcs)
	if err != nil {
		t.Fatal(err)
	}
	c := ast.NewCompiler()
	c.Compile(mods)
	if c.Failed() {
		t.Fatal(c.Errors)
	}
	rs, err := rego.New(rego.Compiler(c), rego.Query(query)).Eval(context.Background())
	if err != nil || len(rs) != 1 {
		t.Fatalf("%s: %v (%d results)", query, err, len(rs))
	}
	return rs[0].Bindings["x"]
}

// ruleCases reads data.tfgate.cases.cases from the embedded library's
// tests: rule id -> {pass, fail, unknown | no_unknown}.
func ruleCases(t *testing.T) map[string]map[string]any {
	t.Helper()
	raw, _ := libraryQuery(t, "x := data.tfgate.cases.cases").(map[string]any)
	out := map[string]map[string]any{}
	for id, v := range raw {
		m, _ := v.(map[string]any)
		out[id] = m
	}
	return out
}

// TestEveryRuleCase: every rule of the library has a passing, a failing
// and an "unknown until apply" input (policies/cases/cases_test.rego), run
// here through the engine exactly as the gate runs it: pass -> no finding
// of the rule; fail -> a definite one; unknown -> an unknown finding and
// never a definite one (and never a silent pass).
func TestEveryRuleCase(t *testing.T) {
	e := newEngine(t, Options{})
	cases := ruleCases(t)
	rules := e.Rules()
	if len(rules) < 70 {
		t.Errorf("%d rules, want at least 70", len(rules))
	}
	of := func(t *testing.T, input any, id string) (definite, unknown []result.Finding) {
		t.Helper()
		in, ok := input.(map[string]any)
		if !ok {
			t.Fatalf("case input is %T", input)
		}
		fs, err := e.Evaluate(context.Background(), in, "production")
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if f.RuleID != id {
				continue
			}
			if f.Unknown {
				unknown = append(unknown, f)
			} else {
				definite = append(definite, f)
			}
		}
		return definite, unknown
	}
	for _, r := range rules {
		t.Run(r.ID, func(t *testing.T) {
			c, ok := cases[r.ID]
			if !ok {
				t.Fatalf("no case for %s in policies/cases/cases_test.rego", r.ID)
			}
			if d, u := of(t, c["pass"], r.ID); len(d)+len(u) > 0 {
				t.Errorf("pass case: %d definite, %d unknown findings: %+v %+v", len(d), len(u), d, u)
			}
			if d, _ := of(t, c["fail"], r.ID); len(d) == 0 {
				t.Errorf("fail case: no definite finding")
			}
			if why, ok := c["no_unknown"].(string); ok {
				if _, has := c["unknown"]; has || why == "" {
					t.Errorf("a rule has either an unknown case or a reason why it cannot have one")
				}
				return
			}
			d, u := of(t, c["unknown"], r.ID)
			if len(d) > 0 {
				t.Errorf("unknown case: definite finding(s) %+v", d)
			}
			if len(u) == 0 {
				t.Errorf("unknown case: no unknown finding (a silent pass)")
			}
			for _, f := range u {
				if f.Enforcement != result.Warning {
					t.Errorf("unknown finding has enforcement %s, want warn", f.Enforcement)
				}
			}
		})
	}
	for id := range cases {
		found := false
		for _, r := range rules {
			found = found || r.ID == id
		}
		if !found {
			t.Errorf("case for unknown rule %s", id)
		}
	}
}

// TestRulesNameControls: every rule names the benchmark controls it
// implements, except the project's own (argued in policies/README.md).
func TestRulesNameControls(t *testing.T) {
	own := map[string]bool{"STATE-001": true, "TAG-001": true, "RDS-006": true}
	n := 0
	for _, r := range newEngine(t, Options{}).Rules() {
		if len(r.Controls) > 0 {
			n++
		} else if !own[r.ID] {
			t.Errorf("%s (%s) has no custom.controls", r.ID, r.Title)
		}
	}
	if n < 70 {
		t.Errorf("%d rules with control ids, want at least 70", n)
	}
}

// TestDefaultEnforcementMatchesRego: the severity -> enforcement defaults
// exist twice (Go for tfgate, policies/main.rego for conftest); they must
// be equal.
func TestDefaultEnforcementMatchesRego(t *testing.T) {
	got, _ := libraryQuery(t, "x := data.main.default_enforcement").(map[string]any)
	if len(got) != len(DefaultEnforcement) {
		t.Fatalf("main.rego has %d severities, Go %d", len(got), len(DefaultEnforcement))
	}
	for sev, envs := range DefaultEnforcement {
		r, _ := got[string(sev)].(map[string]any)
		if len(r) != len(envs) {
			t.Errorf("%s: main.rego %v, Go %v", sev, r, envs)
		}
		for env, en := range envs {
			if r[env] != string(en) {
				t.Errorf("%s/%s: main.rego %v, Go %s", sev, env, r[env], en)
			}
		}
	}
}
