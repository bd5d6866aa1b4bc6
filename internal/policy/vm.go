package policy

import (
	"context"
	"crypto/rand"
	"math"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/ir"
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
	return &vmEval{builtins: bis, machine: vm.NewVM().WithExecutable(exe).WithDataJSON(noData)}, nil
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
	// The VM counts its instructions into the context's statistics.
	_, ctx = vm.WithStatistics(ctx)
	out, err := t.machine.Eval(ctx, "eval", vm.EvalOpts{
		Metrics:                     ectx.Metrics(),
		Input:                       input,
		Time:                        ectx.Time(),
		Seed:                        seed,
		Runtime:                     rt,
		Cache:                       builtins.Cache{},
		NDBCache:                    ectx.NDBCache(),
		InterQueryBuiltinCache:      ectx.InterQueryBuiltinCache(),
		InterQueryBuiltinValueCache: ectx.InterQueryBuiltinValueCache(),
		PrintHook:                   ectx.PrintHook(),
		StrictBuiltinErrors:         ectx.StrictBuiltinErrors(),
		Capabilities:                ectx.Capabilities(),
		TracingOpts:                 ectx.TracingOpts(),
		BuiltinFuncs:                t.builtins,
		Limits:                      &noLimit,
		ExternalCancel:              ectx.ExternalCancel(),
		QueryTracers:                ectx.QueryTracers(),
	})
	if err == vm.ErrVarAssignConflict {
		// topdown's wording, so both evaluators fail alike.
		return nil, &topdown.Error{Code: topdown.ConflictErr, Message: "complete rules must not produce multiple outputs"}
	}
	return out, err
}
