// Package policy is tfgate's OPA engine: it loads the embedded Rego library
// (and extra policy dirs), compiles it once, evaluates a plan's policy input
// with one prepared query, resolves each finding's enforcement for the
// environment, applies expiring exceptions and runs the Rego tests.
package policy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"

	"github.com/saprism/tfgate/internal/result"
)

// Options of New.
type Options struct {
	ExtraDirs []string                     // --policy DIR, config policy_dirs
	Overrides map[string]map[string]string // rule id -> env -> advisory|warn|deny (tfgate.yaml)
	// NoEmbedded leaves the built-in library out. It is also left out when
	// an extra dir has its own copy of it (package tfgate.lib), e.g. the
	// repository's policies/ being edited.
	NoEmbedded bool
}

// Engine is a compiled policy set with one prepared query.
type Engine struct {
	rules     []*rule
	overrides map[string]map[string]result.Enforcement
	query     rego.PreparedEvalQuery
	hash      string
	compiler  *ast.Compiler
}

// New loads, compiles and prepares the policy set. Any error (parse,
// compile, metadata, unknown override) names the file and line: the gate
// fails closed on it.
func New(ctx context.Context, opts Options) (*Engine, error) {
	srcs, err := assemble(opts.ExtraDirs, opts.NoEmbedded)
	if err != nil {
		return nil, err
	}
	// Tests are not part of the evaluated set: they only run under Test.
	eval := srcs[:0:0]
	for _, s := range srcs {
		if !isTest(s.name) {
			eval = append(eval, s)
		}
	}
	mods, err := parse(eval)
	if err != nil {
		return nil, err
	}
	c := ast.NewCompiler().WithEnablePrintStatements(false)
	c.Compile(mods)
	if c.Failed() {
		return nil, astErrors(c.Errors)
	}
	rules, err := rulesFrom(c)
	if err != nil {
		return nil, err
	}
	if len(rules) == 0 {
		return nil, errors.New("policy set has no rule with METADATA custom.id")
	}
	e := &Engine{rules: rules, hash: hashSources(srcs), compiler: c}
	if e.overrides, err = validateOverrides(opts.Overrides, rules); err != nil {
		return nil, err
	}
	e.hash = withOverrides(e.hash, e.overrides)
	// One query for every rule: r<i> = {f | f := data.<rule>[_]}. A set
	// comprehension is defined even when a rule produces nothing, so one
	// silent rule cannot hide the others.
	body := make(ast.Body, 0, len(rules))
	for i, r := range rules {
		body = append(body, ast.Equality.Expr(ast.VarTerm(fmt.Sprintf("r%d", i)),
			ast.SetComprehensionTerm(ast.VarTerm("f"), ast.NewBody(
				ast.Assign.Expr(ast.VarTerm("f"), ast.NewTerm(r.ref.Append(ast.VarTerm("$_"))))))))
	}
	e.query, err = rego.New(
		rego.ParsedQuery(body),
		rego.Compiler(c),
		rego.StrictBuiltinErrors(true),
	).PrepareForEval(ctx)
	if err != nil {
		return nil, fmt.Errorf("policy prepare: %w", err)
	}
	return e, nil
}

func validateOverrides(in map[string]map[string]string, rules []*rule) (map[string]map[string]result.Enforcement, error) {
	known := map[string]bool{}
	for _, r := range rules {
		known[r.ID] = true
	}
	out := map[string]map[string]result.Enforcement{}
	var errs []string
	for id, envs := range in {
		if !known[id] {
			errs = append(errs, fmt.Sprintf("enforcement override for unknown rule %q", id))
			continue
		}
		out[id] = map[string]result.Enforcement{}
		for env, v := range envs {
			en, ok := parseEnforcement(v)
			if !ok {
				errs = append(errs, fmt.Sprintf("enforcement override %s.%s: %q is not advisory|warn|deny", id, env, v))
				continue
			}
			out[id][env] = en
		}
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		return nil, errors.New(strings.Join(errs, "; "))
	}
	return out, nil
}

// Rules is the metadata of every rule, sorted by id, with enforcement
// overrides applied (for `policy list`, SARIF).
func (e *Engine) Rules() []result.Rule {
	out := make([]result.Rule, 0, len(e.rules))
	for _, r := range e.rules {
		rr := r.Rule
		rr.Enforcement = map[string]result.Enforcement{}
		for env := range r.Enforcement {
			rr.Enforcement[env] = e.enforcementFor(r, env)
		}
		for env := range e.overrides[r.ID] {
			rr.Enforcement[env] = e.enforcementFor(r, env)
		}
		rr.Docs = append([]string(nil), r.Docs...)
		rr.Controls = append([]string(nil), r.Controls...)
		out = append(out, rr)
	}
	return out
}

// Hash is a sha256 over the policy set's files (names and contents).
func (e *Engine) Hash() string { return e.hash }

// Evaluate runs every rule on the policy input and returns the findings
// with enforcement resolved for env, sorted by rule id then address. On any
// error no finding is returned.
func (e *Engine) Evaluate(ctx context.Context, input map[string]any, env string) ([]result.Finding, error) {
	v, err := ast.InterfaceToValue(input)
	if err != nil {
		return nil, fmt.Errorf("policy input: %w", err)
	}
	return e.EvaluateValue(ctx, v, env)
}

// EvaluateValue is Evaluate on an input already converted to an OPA value
// (so a caller evaluating one plan several times converts it once).
func (e *Engine) EvaluateValue(ctx context.Context, input ast.Value, env string) ([]result.Finding, error) {
	rs, err := e.query.Eval(ctx, rego.EvalParsedInput(input))
	if err != nil {
		return nil, evalError(err)
	}
	if len(rs) != 1 {
		return nil, fmt.Errorf("policy evaluation: expected one result, got %d", len(rs))
	}
	var out []result.Finding
	for i, r := range e.rules {
		vals, ok := rs[0].Bindings[fmt.Sprintf("r%d", i)].([]any)
		if !ok {
			return nil, fmt.Errorf("%s: rule %s: findings are not a set", r.loc, r.ID)
		}
		for _, v := range vals {
			f, err := e.finding(r, v, env)
			if err != nil {
				return nil, err
			}
			out = append(out, f)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].RuleID != out[j].RuleID {
			return out[i].RuleID < out[j].RuleID
		}
		if out[i].Address != out[j].Address {
			return out[i].Address < out[j].Address
		}
		return out[i].Message < out[j].Message
	})
	return out, nil
}

// finding converts one rule output: an object {id, address, attribute,
// message, unknown, type} (the library's shape) or a plain message string
// (conftest-style rules from --policy dirs).
func (e *Engine) finding(r *rule, v any, env string) (result.Finding, error) {
	f := result.Finding{
		RuleID:      r.ID,
		Title:       r.Title,
		Severity:    r.Severity,
		Remediation: r.Remediation,
		Docs:        r.Docs,
		Enforcement: e.enforcementFor(r, env),
	}
	switch x := v.(type) {
	case string:
		f.Message = x
	case map[string]any:
		f.Address, _ = x["address"].(string)
		f.Type, _ = x["type"].(string)
		f.Attribute, _ = x["attribute"].(string)
		f.Message, _ = x["message"].(string)
		f.Unknown, _ = x["unknown"].(bool)
		if id, ok := x["id"].(string); ok && id != r.ID {
			return f, fmt.Errorf("%s: rule %s emitted a finding with id %q", r.loc, r.ID, id)
		}
	default:
		return f, fmt.Errorf("%s: rule %s emitted %s, want an object or a string", r.loc, r.ID, kindOf(v))
	}
	if f.Message == "" {
		return f, fmt.Errorf("%s: rule %s emitted a finding without message", r.loc, r.ID)
	}
	// A rule that could not decide is never a silent pass: it warns in
	// every environment (--strict turns that into a failure). It does not
	// deny: on a first plan many values (ARNs, URLs) are unknown until
	// apply, and denying would block every new environment.
	if f.Unknown {
		f.Enforcement = result.Warning
	}
	return f, nil
}

// evalError names the policy file and line of a runtime error (conflicts,
// builtin errors in strict mode).
func evalError(err error) error {
	var te *topdown.Error
	if errors.As(err, &te) && te.Location != nil {
		return fmt.Errorf("policy evaluation error: %s:%d: %s", te.Location.File, te.Location.Row, te.Message)
	}
	return fmt.Errorf("policy evaluation error: %w", err)
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case json.Number, float64, int:
		return "a number"
	}
	return fmt.Sprintf("%T", v)
}

// withOverrides folds tfgate.yaml's enforcement overrides into the policy
// hash: they change what the rules do, so a decision record made under other
// overrides must not match (apply says "policies changed"). Without
// overrides the hash is the sources' alone.
func withOverrides(hash string, over map[string]map[string]result.Enforcement) string {
	if len(over) == 0 {
		return hash
	}
	var lines []string
	for id, envs := range over {
		for env, e := range envs {
			lines = append(lines, id+"\x00"+env+"\x00"+string(e))
		}
	}
	sort.Strings(lines)
	sum := sha256.Sum256([]byte(hash + "\x00" + strings.Join(lines, "\n")))
	return hex.EncodeToString(sum[:])
}

// RuleDigests maps each rule id to a digest of its Rego bodies and metadata
// (not its enforcement, which Rules reports resolved): two policy sets whose
// digests differ for an id judge that rule differently. Helpers the rule
// calls are not included; a changed helper shows as a changed file.
func (e *Engine) RuleDigests() map[string]string {
	out := make(map[string]string, len(e.rules))
	for _, r := range e.rules {
		h := sha256.New()
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%q\x00", r.Title, r.Description, r.Severity, r.Remediation, r.Package, r.Docs)
		bodies := e.compiler.GetRulesExact(r.ref)
		texts := make([]string, 0, len(bodies))
		for _, b := range bodies {
			// The printed rule, not its source text: moving a rule within
			// its file or reformatting it is not a change of judgement.
			texts = append(texts, b.String())
		}
		sort.Strings(texts)
		for _, t := range texts {
			h.Write([]byte(t))
			h.Write([]byte{0})
		}
		out[r.ID] = hex.EncodeToString(h.Sum(nil))
	}
	return out
}
