package cli

import (
	"context"

	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/report"
	"github.com/saprism/tfgate/internal/result"
	"github.com/saprism/tfgate/internal/run"
	tfg "github.com/saprism/tfgate/internal/terraform"
)

// planFlags are the gate flags of plan, up and check.
type planFlags struct {
	varFiles     []string
	vars         []string
	outputs      []string
	strict       bool
	allowDestroy []string
	policyDirs   []string
	verbose      bool   // text report: every address of a repeated finding
	minSeverity  string // text report: hide findings below (never changes the verdict)
	trustedRef   string
}

func (f *planFlags) register(c flagSet) {
	c.StringArrayVar(&f.varFiles, "var-file", nil, "extra tfvars file, after the environment's own (repeatable)")
	c.StringArrayVar(&f.vars, "var", nil, "variable K=V, after the var files (repeatable)")
	f.registerGate(c)
}

// registerGate registers the flags shared with check.
func (f *planFlags) registerGate(c flagSet) {
	c.StringArrayVar(&f.outputs, "output", nil, "report FMT[=FILE]: text, json, sarif, junit, markdown (repeatable; default text to stdout)")
	c.BoolVar(&f.strict, "strict", false, "fail on warnings too")
	c.StringArrayVar(&f.allowDestroy, "allow-destroy", nil, "allow deleting or replacing this stateful resource ADDRESS (repeatable)")
	c.StringArrayVar(&f.policyDirs, "policy", nil, "extra policy directory DIR, added to the embedded policies (repeatable)")
	c.BoolVar(&f.verbose, "verbose", false, "text report: list every address of a repeated finding")
	c.StringVar(&f.trustedRef, "trusted-ref", "", "judge by the policies, enforcement and exceptions of git commit REF (a pull request's base); the working tree's changes to them are reported as pending review")
	c.StringVar(&f.minSeverity, "min-severity", "", "text report: show findings of this severity and above (low|medium|high|critical); the verdict is unchanged")
}

func (f *planFlags) options() run.PlanOptions {
	return run.PlanOptions{VarFiles: f.varFiles, Vars: f.vars, PolicyDirs: f.policyDirs,
		AllowDestroy: f.allowDestroy, Strict: f.strict, ToolVersion: Version, TrustedRef: f.trustedRef}
}

// registerReverify registers the gate flags apply re-runs the gate with.
func (f *planFlags) registerReverify(c flagSet) {
	c.BoolVar(&f.strict, "strict", false, "fail on warnings too (as given to plan)")
	c.StringArrayVar(&f.allowDestroy, "allow-destroy", nil, "allow deleting or replacing this stateful resource ADDRESS (as given to plan; repeatable)")
	c.StringArrayVar(&f.policyDirs, "policy", nil, "extra policy directory DIR (as given to plan; repeatable)")
}

func (f *planFlags) applyOptions() run.ApplyOptions {
	return run.ApplyOptions{PolicyDirs: f.policyDirs, AllowDestroy: f.allowDestroy, Strict: f.strict, ToolVersion: Version}
}

// parse checks --output, --verbose, --min-severity and --var before
// anything runs.
func (f *planFlags) parse(jsonStream bool) ([]report.Output, error) {
	outs, err := report.ParseOutputs(f.outputs, jsonStream, f.verbose, f.minSeverity)
	if err == nil {
		err = run.CheckVars(f.vars)
	}
	return outs, err
}

// writeReports renders a gated plan in every requested format.
func (a *App) writeReports(cfg *config.Config, specs []report.Output, g *run.Gated) error {
	return report.WriteAll(a.Stdout, specs, g.Result, report.Options{Color: a.Getenv("NO_COLOR") == "" && tfg.IsTerminal(a.Stdout),
		Redactor: g.Plan.Redactor, FallbackFile: g.FallbackFile(cfg)})
}

// verdict is exit 1 (a *run.DeniedError, the report said why) for a fail.
func verdict(g *run.Gated) error {
	if g.Result.Verdict == result.Fail {
		return &run.DeniedError{}
	}
	return nil
}

// planAndReport plans and gates the environment, writes the reports and,
// on the --json stream, the verdict event.
func (a *App) planAndReport(ctx context.Context, env *run.Env, pf *planFlags, ef *envFlags, specs []report.Output) (*run.Gated, error) {
	g, err := env.Plan(ctx, pf.options())
	if err != nil {
		return nil, err
	}
	if err := a.writeReports(env.Config(), specs, g); err != nil {
		return nil, err
	}
	if ef.json {
		run.Emit(a.Stdout, map[string]any{"type": "tfgate_verdict", "verdict": g.Result.Verdict, "environment": env.Layout().Env, "summary": g.Result.Summary, "saved_plan": g.SavedPlan})
	}
	return g, nil
}
