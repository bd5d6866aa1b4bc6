package policy

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/ir"
	"github.com/open-policy-agent/opa/v1/metrics"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"
	"github.com/open-policy-agent/opa/v1/topdown/builtins"

	"github.com/saprism/tfgate/internal/third_party/eopa/iropt"
	fjson "github.com/saprism/tfgate/internal/third_party/eopa/json"
	"github.com/saprism/tfgate/internal/third_party/eopa/vm"
)

// vmTarget is the rego target under which the engine runs EOPA's VM: OPA
// plans the prepared query into its intermediate representation (the
// plan that OPA's Wasm compiler also starts from) and the VM executes it
// on a compact JSON value. On large plans it evaluates the library 2-3x
// faster than OPA's tree-walking evaluator (bench/README.md), with the same
// results (TestEvaluatorsAgree, TestResults).
const vmTarget = "tfgate-vm"

var registerVM sync.Once

// vmPlugin is OPA's target plugin for the VM (after EOPA's rego_vm, without
// its server-side parts: telemetry, impact analysis, storage backends).
type vmPlugin struct{}

func (vmPlugin) IsTarget(t string) bool { return t == vmTarget }

func (vmPlugin) PrepareForEval(_ context.Context, policy *ir.Policy, opts ...rego.PrepareOption) (rego.TargetPluginEval, error) {
	pc := &rego.PrepareConfig{}
	for _, o := range opts {
		o(pc)
	}
	bis := pc.BuiltinFuncs()
	optimized, err := iropt.RunPasses(policy, iropt.RegoVMIROptimizationPassSchedule)
	if err != nil {
		return nil, err
	}
	exe, err := vm.NewCompiler().WithPolicy(optimized).WithBuiltins(bis).Compile()
	if err != nil {
		return nil, err
	}
	// Eval is safe for concurrent use: one VM serves every evaluation. The
	// engine has no data documents (rules only), so data is empty.
	ev := &vmEval{builtins: bis, machine: vm.NewVM().WithExecutable(exe).WithDataJSON(noData)}
	prepared.Store(pc, ev)
	return ev, nil
}

var noData = fjson.NewObject(nil)

// noLimit: the VM stops after 100 M instructions by default (a server's
// guard against runaway queries). The library takes ~20 M on a 50k-resource
// plan, so a plan of a few 100k resources would hit it and fall back to
// topdown; a run is bounded by its context instead.
var noLimit = vm.Limits{Instructions: math.MaxInt64}

type vmEval struct {
	builtins map[string]*topdown.Builtin
	machine  *vm.VM
}

// Eval is the plugin's evaluation, for rego's prepared query (tests and
// benchmarks that prepare with rego.Target(vmTarget)); the engine calls
// eval.
func (t *vmEval) Eval(ctx context.Context, ectx *rego.EvalContext, rt ast.Value) (ast.Value, error) {
	input := ectx.RawInput()
	if p := ectx.ParsedInput(); p != nil {
		i := any(p)
		input = &i
	}
	seed := ectx.Seed()
	if seed == nil {
		seed = rand.Reader
	}
	return t.run(ctx, input, rt, ectx.Metrics(), ectx.Time(), seed, ectx.StrictBuiltinErrors())
}

func (t *vmEval) run(ctx context.Context, input *any, rt ast.Value, m metrics.Metrics, now time.Time, seed io.Reader, strict bool) (ast.Value, error) {
	// The VM counts its instructions into the context's statistics.
	_, ctx = vm.WithStatistics(ctx)
	out, err := t.machine.Eval(ctx, "eval", vm.EvalOpts{
		Metrics:             m,
		Input:               input,
		Time:                now,
		Seed:                seed,
		Runtime:             rt,
		Cache:               builtins.Cache{},
		StrictBuiltinErrors: strict,
		BuiltinFuncs:        t.builtins,
		Limits:              &noLimit,
	})
	if err == vm.ErrVarAssignConflict {
		// topdown's wording, so both evaluators fail alike.
		return nil, &topdown.Error{Code: topdown.ConflictErr, Message: "complete rules must not produce multiple outputs"}
	}
	return out, err
}

// prepared hands the plugin's evaluator to prepareVM, by the PrepareConfig
// the plugin was given (see prepareVM). A preparation made without
// prepareVM (a test or benchmark preparing with rego.Target(vmTarget))
// leaves its entry behind; tfgate itself prepares only through prepareVM.
var prepared sync.Map // *rego.PrepareConfig -> *vmEval

// prepareVM plans body on the compiled policy set c and prepares it on
// the VM. OPA's rego package does the planning (its planner is internal to
// OPA) and hands the plan to the plugin; the engine then runs the VM
// itself, so nothing keeps rego's prepared query, and with it the
// compiler, alive after New.
func prepareVM(ctx context.Context, c *ast.Compiler, body ast.Body) (*vmEval, error) {
	var pc *rego.PrepareConfig
	capture := func(p *rego.PrepareConfig) { pc = p }
	_, err := rego.New(rego.ParsedQuery(body), rego.Compiler(c), rego.StrictBuiltinErrors(true), rego.Target(vmTarget)).PrepareForEval(ctx, capture)
	if err != nil {
		return nil, err
	}
	ev, ok := prepared.LoadAndDelete(pc)
	if pc == nil || !ok {
		return nil, errors.New("the VM target plugin did not prepare the query")
	}
	return ev.(*vmEval), nil
}

// eval evaluates the prepared query on input (the VM's JSON value, or an
// OPA value) with the options rego would give the plugin, and returns the
// result as rego does: one result whose bindings are the query's
// variables, kept as OPA values (keepTerms).
func (t *vmEval) eval(ctx context.Context, input any) (rego.ResultSet, error) {
	out, err := t.run(ctx, &input, nil, metrics.New(), time.Now(), rand.Reader, true)
	if err != nil {
		return nil, err
	}
	set, ok := out.(ast.Set)
	if !ok {
		return nil, fmt.Errorf("VM result is %T, not a set", out)
	}
	var rs rego.ResultSet
	err = set.Iter(func(t *ast.Term) error {
		obj, ok := t.Value.(ast.Object)
		if !ok {
			return fmt.Errorf("VM result element is %T, not an object", t.Value)
		}
		r := rego.Result{Bindings: rego.Vars{}}
		obj.Foreach(func(k, v *ast.Term) {
			if s, ok := k.Value.(ast.String); ok {
				r.Bindings[string(s)] = v
			}
		})
		rs = append(rs, r)
		return nil
	})
	return rs, err
}
