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
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"

	"github.com/saprism/tfgate/internal/input"
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
	// Groups is how many rule groups are evaluated in parallel; 0 means
	// GOMAXPROCS (one per core the process may use).
	Groups int
	// Evaluator is "vm" (the default: EOPA's VM on OPA's plan of the
	// queries, see vm.go) or "topdown" (OPA's evaluator, as opa eval and
	// conftest run it).
	Evaluator string
}

// Evaluators are the values of Options.Evaluator.
var Evaluators = []string{"vm", "topdown"}

// Engine is a compiled policy set with one prepared query per group of
// rule packages; the groups are evaluated in parallel on one input value.
type Engine struct {
	rules     []*rule
	overrides map[string]map[string]result.Enforcement
	groups    []group
	hash      string
	// compiler is the compiled policy set. Under the VM it is compiled
	// again when needed after New (RuleDigests, a group the VM fails on):
	// kept through every evaluation it was a quarter of a 10k-resource
	// check's live heap, and the VM does not read it.
	compiler func() (*ast.Compiler, error)
	// prune leaves what the policies never read out of the input value:
	// only for the embedded library alone (rules from --policy dirs may
	// read anything) and while no module mentions those keys.
	prune bool
	vm    bool // evaluate with the VM (Options.Evaluator)
}

// group is the rules of some packages and the query that evaluates them.
// A package is never split: its rules share helpers (an S3 link index, a
// list of live buckets) that OPA computes once per query, so splitting it
// would compute them twice.
type group struct {
	rules []int // indexes into Engine.rules
	// query is the group's query on OPA's evaluator: prepared in New
	// under topdown, on first use under the VM, where it decides a group
	// the VM failed on (see evaluate).
	query func() (rego.PreparedEvalQuery, error)
	vm    *vmEval // the group's query on the VM
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
	e := &Engine{rules: rules, hash: hashSources(srcs)}
	switch opts.Evaluator {
	case "", "vm":
		e.vm = true
		registerVM.Do(func() { rego.RegisterPlugin(vmTarget, vmPlugin{}) })
	case "topdown":
	default:
		return nil, fmt.Errorf("evaluator %q: want one of %s", opts.Evaluator, strings.Join(Evaluators, ", "))
	}
	e.prune = len(opts.ExtraDirs) == 0 && !opts.NoEmbedded && !readsUnread(c.Modules)
	if e.overrides, err = validateOverrides(opts.Overrides, rules); err != nil {
		return nil, err
	}
	e.hash = withOverrides(e.hash, e.overrides)
	e.compiler = func() (*ast.Compiler, error) { return c, nil }
	if e.vm {
		e.compiler = sync.OnceValues(func() (*ast.Compiler, error) {
			mods, err := parse(eval)
			if err != nil {
				return nil, err
			}
			c := ast.NewCompiler().WithEnablePrintStatements(false)
			if c.Compile(mods); c.Failed() {
				return nil, astErrors(c.Errors)
			}
			return c, nil
		})
	}
	n := opts.Groups
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	for _, idx := range partition(rules, n) {
		// One query per group: r<i> = {f | f := data.<rule>[_]}. A set
		// comprehension is defined even when a rule produces nothing, so
		// one silent rule cannot hide the others.
		body := make(ast.Body, 0, len(idx))
		for _, i := range idx {
			body = append(body, ast.Equality.Expr(ast.VarTerm(fmt.Sprintf("r%d", i)),
				ast.SetComprehensionTerm(ast.VarTerm("f"), ast.NewBody(
					ast.Assign.Expr(ast.VarTerm("f"), ast.NewTerm(rules[i].ref.Append(ast.VarTerm("$_"))))))))
		}
		g := group{rules: idx}
		if e.vm {
			if g.vm, err = prepareVM(ctx, c, body); err != nil {
				return nil, fmt.Errorf("policy prepare: %w", err)
			}
			compiled := e.compiler
			g.query = sync.OnceValues(func() (rego.PreparedEvalQuery, error) {
				c, err := compiled()
				if err != nil {
					return rego.PreparedEvalQuery{}, err
				}
				return rego.New(rego.ParsedQuery(body), rego.Compiler(c), rego.StrictBuiltinErrors(true)).PrepareForEval(context.Background())
			})
		} else {
			q, err := rego.New(rego.ParsedQuery(body), rego.Compiler(c), rego.StrictBuiltinErrors(true)).PrepareForEval(ctx)
			if err != nil {
				return nil, fmt.Errorf("policy prepare: %w", err)
			}
			g.query = func() (rego.PreparedEvalQuery, error) { return q, nil }
		}
		e.groups = append(e.groups, g)
	}
	return e, nil
}

// packageCost is the relative evaluation cost of the library's packages
// on a large plan: milliseconds / 5 of BenchmarkPackages on the 10k
// generated plan under the VM (2026-12-02: S3 ~335 ms, tags ~100 ms with
// required_tags, ECR 48 ms, the rest 22 ms or less; topdown's figures were
// about three times these, in the same order). Rule counts say little (S3
// has 9 of 80 rules and costs more than all the others together), and
// balance is what parallel evaluation needs. Packages not listed (the
// smallest, --policy dirs) count 1.
var packageCost = map[string]int{
	"data.tfgate.aws.s3":       67,
	"data.tfgate.aws.tags":     20,
	"data.tfgate.aws.ecr":      10,
	"data.tfgate.aws.logs":     4,
	"data.tfgate.aws.rds":      4,
	"data.tfgate.aws.ecs":      3,
	"data.tfgate.aws.ssm":      2,
	"data.tfgate.aws.network":  2,
	"data.tfgate.aws.stateful": 2,
	"data.tfgate.aws.alb":      1,
	"data.tfgate.aws.sns":      1,
	"data.tfgate.aws.kms":      1,
}

// partition splits the rules into at most n groups of whole packages,
// balanced by packageCost (costliest package first, each to the cheapest
// group so far), deterministically.
func partition(rules []*rule, n int) [][]int {
	byPkg := map[string][]int{}
	var pkgs []string
	for i, r := range rules {
		p := r.ref[:len(r.ref)-1].String()
		if _, ok := byPkg[p]; !ok {
			pkgs = append(pkgs, p)
		}
		byPkg[p] = append(byPkg[p], i)
	}
	cost := func(p string) int {
		if c, ok := packageCost[p]; ok {
			return c
		}
		return 1
	}
	sort.SliceStable(pkgs, func(i, j int) bool {
		if a, b := cost(pkgs[i]), cost(pkgs[j]); a != b {
			return a > b
		}
		return pkgs[i] < pkgs[j]
	})
	n = max(1, min(n, len(pkgs)))
	groups := make([][]int, n)
	load := make([]int, n)
	for _, p := range pkgs {
		light := 0
		for g := range groups {
			if load[g] < load[light] {
				light = g
			}
		}
		groups[light] = append(groups[light], byPkg[p]...)
		load[light] += cost(p)
	}
	for _, g := range groups {
		sort.Ints(g)
	}
	return groups
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

// Prunes reports whether the engine's policies may be given an input
// without input.Unread.
func (e *Engine) Prunes() bool { return e.prune }

// Hash is a sha256 over the policy set's files (names and contents).
func (e *Engine) Hash() string { return e.hash }

// Evaluate runs every rule on the policy input and returns the findings
// with enforcement resolved for env, sorted by rule id then address. On any
// error no finding is returned.
func (e *Engine) Evaluate(ctx context.Context, in map[string]any, env string) ([]result.Finding, error) {
	v, err := input.FromMap(in, e.prune)
	if err != nil {
		return nil, fmt.Errorf("policy input: %w", err)
	}
	return e.EvaluateInput(ctx, v, env)
}

// EvaluateInput is Evaluate on an input already converted (a plan read
// by package plan). A pruned input is refused when the policies may read
// what pruning left out: they would judge a plan with parts missing.
func (e *Engine) EvaluateInput(ctx context.Context, in *input.Value, env string) ([]result.Finding, error) {
	if in.Pruned && !e.prune {
		return nil, errors.New("policy input: the plan was read without its state sections and before values, which these policies read (policy.Prunes)")
	}
	if !e.vm {
		return e.evaluateValue(ctx, in.AST(), env)
	}
	return e.evaluate(ctx, in.JSON(), sync.OnceValue(in.AST), env)
}

// Prunes reports whether the policy set of opts may be given an input
// without input.Unread (plan.Options.Prune), before it is compiled: the
// plan is read while the policies compile. It is New's decision (Engine
// prunes) for the embedded library alone; TestPruneInput holds the
// two equal.
func Prunes(opts Options) bool {
	return len(opts.ExtraDirs) == 0 && !opts.NoEmbedded && !embeddedReadsUnread
}

// embeddedReadsUnread: a rule of the embedded library reads input.Unread.
// A rule that starts reading, say, change.before makes TestPruneInput
// fail until this is true.
const embeddedReadsUnread = false

// readsUnread reports whether any module mentions a key of input.Unread (as a
// string or reference part). The engine prunes only when none does, so a
// rule that starts reading, say, change.before turns pruning off instead
// of seeing nothing there.
func readsUnread(mods map[string]*ast.Module) bool {
	found := false
	for _, m := range mods {
		ast.WalkTerms(m, func(t *ast.Term) bool {
			if s, ok := t.Value.(ast.String); ok && (input.UnreadTop[string(s)] || input.UnreadChange[string(s)]) {
				found = true
			}
			return found
		})
	}
	return found
}

// evaluateValue is Evaluate on an input already converted to an OPA value
// (the benchmarks time the evaluation without the conversion).
func (e *Engine) evaluateValue(ctx context.Context, input ast.Value, env string) ([]result.Finding, error) {
	return e.evaluate(ctx, input, func() ast.Value { return input }, env)
}

// evaluate runs the groups' queries on one input (either evaluator's
// value). A group the VM fails on is evaluated again by OPA's evaluator on
// astInput, and that result or error stands: OPA defines Rego, and the two
// differ on errors (topdown stops at a function's first true body, so a
// later body's type error never happens there; topdown's errors name the
// file and line). Either way an error is never a pass.
func (e *Engine) evaluate(ctx context.Context, input any, astInput func() ast.Value, env string) ([]result.Finding, error) {
	// The groups share the input value: both evaluators only read it.
	sets := make([]rego.ResultSet, len(e.groups))
	errs := make([]error, len(e.groups))
	eval := func(g int) {
		grp := e.groups[g]
		if e.vm {
			if sets[g], errs[g] = grp.vm.eval(ctx, input); errs[g] == nil || ctx.Err() != nil {
				return
			}
		}
		q, err := grp.query()
		if err != nil {
			errs[g] = err
			return
		}
		sets[g], errs[g] = q.Eval(ctx, rego.EvalParsedInput(astInput()), keepTerms)
	}
	if len(e.groups) == 1 {
		eval(0)
	} else {
		var wg sync.WaitGroup
		for g := range e.groups {
			wg.Go(func() { eval(g) })
		}
		wg.Wait()
	}
	bindings := make([]rego.Vars, len(e.rules))
	for g, grp := range e.groups {
		if errs[g] != nil {
			return nil, evalError(errs[g])
		}
		if len(sets[g]) != 1 {
			return nil, fmt.Errorf("policy evaluation: expected one result, got %d", len(sets[g]))
		}
		for _, i := range grp.rules {
			bindings[i] = sets[g][0].Bindings
		}
	}
	var out []result.Finding
	for i, r := range e.rules {
		var set ast.Set
		if t, ok := bindings[i][fmt.Sprintf("r%d", i)].(*ast.Term); ok {
			set, _ = t.Value.(ast.Set)
		}
		if set == nil {
			return nil, fmt.Errorf("%s: rule %s: findings are not a set", r.loc, r.ID)
		}
		var err error
		set.Until(func(el *ast.Term) bool {
			var v any
			if v, err = ast.JSON(el.Value); err != nil {
				return true
			}
			var f result.Finding
			if f, err = e.finding(r, v, env); err != nil {
				return true
			}
			out = append(out, f)
			return false
		})
		if err != nil {
			return nil, err
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

// keepTerms leaves a query's results as OPA values: evaluate converts
// each finding to Go on its own, so the Go form of every finding of a
// large plan never exists at once (a third of a check's peak live heap).
var keepTerms = rego.EvalGenerateJSON(func(t *ast.Term, _ *rego.EvalContext) (any, error) { return t, nil })

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
func (e *Engine) RuleDigests() (map[string]string, error) {
	c, err := e.compiler()
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(e.rules))
	for _, r := range e.rules {
		h := sha256.New()
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%q\x00", r.Title, r.Description, r.Severity, r.Remediation, r.Package, r.Docs)
		bodies := c.GetRulesExact(r.ref)
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
	return out, nil
}
