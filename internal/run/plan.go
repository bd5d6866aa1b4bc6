package run

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/saprism/tfgate/internal/atomicfile"
	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/gate"
	"github.com/saprism/tfgate/internal/plan"
	"github.com/saprism/tfgate/internal/result"
	"github.com/saprism/tfgate/internal/source"
	tfg "github.com/saprism/tfgate/internal/terraform"
)

// decode is the one place a run decodes plan JSON (a variable so a test can
// count the decodes of a whole `up`).
var decode = plan.Parse

// PlanOptions are the inputs of plan + gate beyond the environment.
type PlanOptions struct {
	VarFiles     []string // extra tfvars, after the environment's own
	Vars         []string // K=V, after the var files
	PolicyDirs   []string // extra policy dirs (--policy)
	AllowDestroy []string
	Strict       bool
	ToolVersion  string
	// TrustedRef (--trusted-ref): judge by the policies, enforcement and
	// exceptions of this git commit (a pull request's base); the working
	// tree's changes to them are reported as pending review.
	TrustedRef string
}

// Gated is the outcome of plan → gate: the verdict, the plan it judged
// (decoded once, with its redactor) and where the plan JSON is.
type Gated struct {
	Result *result.Result
	Plan   *plan.Plan
	// PlanName is the plan JSON relative to the repository root (reports'
	// fallback location); SavedPlan the binary plan `apply` may run.
	PlanName  string
	SavedPlan string
	// SourceFile is the mapped configuration's root file (reports'
	// preferred fallback location), "" when none was mapped.
	SourceFile string
}

// removeSavedPlan deletes the previous saved plan, its JSON and its decision
// record before a new plan: if planning fails, no older plan can be applied
// by mistake.
func (e *Env) removeSavedPlan() {
	for _, p := range []string{e.layout.PlanPath(), e.layout.PlanJSONPath(), gate.RecordPath(e.layout.PlanPath())} {
		os.Remove(p)
	}
	e.planned = nil
}

// Plan runs init (if needed) → plan -out → show -json → gate → decision
// record. A fail verdict is a result, not an error: the caller reports it.
func (e *Env) Plan(ctx context.Context, o PlanOptions) (*Gated, error) {
	// The previous saved plan goes first: whatever fails below, no older
	// plan can be applied by mistake.
	e.removeSavedPlan()
	varFiles, cfg, pending, done, err := e.prepare(ctx, o)
	if err != nil {
		return nil, err
	}
	defer done()
	e.progressf("terraform plan (%s)...", e)
	prog := e.progress(0, nil)
	err = e.terraformRun(ctx, "plan", func(ctx context.Context) error {
		_, err := e.runner.Plan(ctx, tfg.PlanOptions{Out: e.layout.PlanPath(), VarFiles: varFiles, Vars: o.Vars}, prog)
		return err
	})
	if err != nil {
		return nil, err
	}
	js, err := e.runner.ShowPlan(ctx, e.layout.PlanPath())
	if err != nil {
		// A saved plan Terraform cannot read is never left for apply.
		e.removeSavedPlan()
		return nil, diskFull(e.layout.PlanPath(), e.layout.Rel(e.layout.PlanPath()), err)
	}
	if err := atomicfile.WriteFile(e.layout.PlanJSONPath(), js, 0o600); err != nil {
		return nil, err
	}
	e.progressf("saved plan: %s", e.layout.Rel(e.layout.PlanPath()))
	name := e.layout.Rel(e.layout.PlanJSONPath())
	unrecorded := func(err error) error {
		return fmt.Errorf("gate: %w (the plan is saved at %s but has no decision record, so it cannot be applied)", err, e.layout.Rel(e.layout.PlanPath()))
	}
	p, err := decode(js, name)
	if err != nil {
		return nil, unrecorded(err)
	}
	out, err := gate.Evaluate(ctx, gate.Options{
		Config:        cfg,
		PolicyChanges: pending,
		Env:           e.layout.Env,
		Plan:          p,
		SavedPlan:     e.layout.PlanPath(),
		VarFiles:      varFiles,
		PolicyDirs:    o.PolicyDirs,
		AllowDestroy:  o.AllowDestroy,
		Strict:        o.Strict,
		ToolVersion:   o.ToolVersion,
	})
	if err != nil {
		return nil, unrecorded(err)
	}
	if err := gate.WriteRecord(e.layout.PlanPath(), out.Result); err != nil {
		return nil, err
	}
	e.planned = &Gated{Result: out.Result, Plan: p, PlanName: name, SavedPlan: e.layout.Rel(e.layout.PlanPath())}
	return e.planned, nil
}

// ApplyOptions are the gate flags apply re-runs the gate with: the same as
// the plan's, or the re-run may not match the record.
type ApplyOptions struct {
	PolicyDirs   []string
	AllowDestroy []string
	Strict       bool
	ToolVersion  string
}

// Apply applies the saved plan of the last `plan`, only after its decision
// record verifies. The record is a file anyone can edit, so it is not
// trusted alone: the gate runs again on `terraform show -json` of the saved
// plan with the policies in force now and o's gate flags, and apply goes
// ahead only when that passes and matches the record (gate.Reverify). The
// plan's sensitive values are scrubbed from Terraform's progress and errors
// while it runs. After an apply that changed something, state is brought in
// line with the live objects (recordLive), so `tfgate drift` starts from
// zero after `apply` and `up` alike.
func (e *Env) Apply(ctx context.Context, o ApplyOptions) error {
	planPath := e.layout.PlanPath()
	if _, err := os.Stat(planPath); err != nil {
		return fmt.Errorf("no saved plan for %s at %s: run `tfgate plan --env %s%s` first", e, e.layout.Rel(planPath), e.layout.Env, e.LocalFlag())
	}
	if err := gate.VerifyRecord(planPath); err != nil {
		return refusal(err, false)
	}
	gopts := gate.Options{Config: e.cfg, Env: e.layout.Env, PlanName: e.layout.Rel(planPath), SavedPlan: planPath,
		PolicyDirs: o.PolicyDirs, AllowDestroy: o.AllowDestroy, Strict: o.Strict, ToolVersion: o.ToolVersion, NoSource: true}
	if e.planned != nil {
		// This run made the plan from the saved plan's own show -json.
		gopts.Plan = e.planned.Plan
	} else {
		js, err := e.runner.ShowPlan(ctx, planPath)
		if err != nil {
			return fmt.Errorf("apply refused: terraform cannot read the saved plan %s: %s", e.layout.Rel(planPath), firstLine(err.Error()))
		}
		gopts.PlanJSON = js
	}
	out, err := gate.Reverify(ctx, gopts)
	if err != nil {
		return refusal(err, true)
	}
	e.progressf("gate re-run on the saved plan: %s, matches its decision record", out.Result.Verdict)
	e.progressf("terraform apply %s (%s)...", e.layout.Rel(planPath), e)
	red, total := out.Plan.Redactor, out.Plan.Operations()
	prog := e.progress(total, red)
	err = e.terraformRun(ctx, "apply", func(ctx context.Context) error {
		return e.runner.Apply(ctx, tfg.ApplyOptions{PlanFile: planPath}, prog)
	})
	if err != nil {
		var died *EmulatorDiedError
		var stale *tfg.StalePlanError
		if errors.As(err, &died) || errors.As(err, &stale) {
			return err
		}
		// Providers echo values in their errors: scrub the plan's secrets.
		return errors.New(red.Redact(err.Error()))
	}
	// An applied plan is spent: Terraform would refuse it as stale anyway.
	os.Remove(planPath)
	e.planned = nil
	done, _ := prog.Counts()
	e.progressf("applied %s (%s)", Plural(done, "change"), e)
	if total == 0 {
		// Nothing changed, so nothing changed as a side effect either.
		return nil
	}
	return e.recordLive(ctx, out.Plan)
}

// refusal is the error of a saved plan apply will not run: a DeniedError
// (exit 1) when the gate denies it, a plain error (exit 2) for anything
// else (no record, edited, changed).
func refusal(err error, regated bool) error {
	msg := err.Error()
	var re *gate.RecordError
	isRec := errors.As(err, &re)
	if regated && isRec && (re.Reason == gate.ReasonFailed || re.Reason == gate.ReasonChanged) {
		msg += " (apply re-runs the gate with the policies in force now: give it the same --policy, --allow-destroy and --strict as plan)"
	}
	if isRec && re.Reason == gate.ReasonFailed {
		return &DeniedError{Reason: "apply refused: " + msg}
	}
	return fmt.Errorf("apply refused: %s", msg)
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// Destroy removes any saved plan and destroys the environment; in local
// mode it then says what the emulator still holds and stops the emulator
// when tfgate started it and no other environment has resources on it.
func (e *Env) Destroy(ctx context.Context, extraVarFiles, vars []string) error {
	varFiles, err := e.cfg.VarFiles(e.layout.Env, extraVarFiles)
	if err != nil {
		return err
	}
	e.removeSavedPlan()
	if err := e.Init(ctx, false); err != nil {
		e.StopOwnedEmulator()
		return err
	}
	e.progressf("terraform destroy (%s)...", e)
	prog := e.progress(0, nil)
	err = e.terraformRun(ctx, "destroy", func(ctx context.Context) error {
		return e.runner.Destroy(ctx, tfg.DestroyOptions{VarFiles: varFiles, Vars: vars}, prog)
	})
	if err != nil {
		return err
	}
	done, _ := prog.Counts()
	e.progressf("destroyed %s (%s)", Plural(done, "resource"), e)
	if e.layout.Local {
		e.reportLeftovers(ctx)
	}
	e.StopOwnedEmulator()
	return nil
}

// prepare is what plan and drift do before Terraform plans: resolve and
// check the var files (bad ones fail here, naming file:line, before a plan
// of minutes), pick the configuration whose policies judge (the working
// tree's, or --trusted-ref's; done removes that checkout) and init.
func (e *Env) prepare(ctx context.Context, o PlanOptions) (varFiles []string, cfg *config.Config, pending *result.PolicyChanges, done func(), err error) {
	if varFiles, err = e.cfg.VarFiles(e.layout.Env, o.VarFiles); err != nil {
		return nil, nil, nil, nil, err
	}
	if err = checkVarFiles(e.cfg, varFiles); err != nil {
		return nil, nil, nil, nil, err
	}
	if cfg, pending, done, err = trustedPolicy(ctx, e.cfg, o, e.o.Log); err != nil {
		return nil, nil, nil, nil, err
	}
	if err = e.Init(ctx, false); err != nil {
		done()
		return nil, nil, nil, nil, err
	}
	return varFiles, cfg, pending, done, nil
}

// checkVarFiles checks var files against the configuration's variable
// declarations (source.CheckVars) before Terraform runs.
func checkVarFiles(cfg *config.Config, varFiles []string) error {
	ix, err := source.Load(cfg.Root, cfg.TerraformDir)
	if err != nil {
		return err
	}
	return ix.CheckVars(varFiles)
}

// FallbackFile is the file report results the source mapper could not
// place point at (line 1): the mapped configuration's root file, else
// config.SARIFFallback.
func (g *Gated) FallbackFile(cfg *config.Config) string {
	if g.SourceFile != "" {
		return g.SourceFile
	}
	return cfg.SARIFFallback(g.PlanName)
}

// CheckVars checks every --var is NAME=VALUE before anything runs.
func CheckVars(vars []string) error {
	for _, v := range vars {
		k, _, ok := strings.Cut(v, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return fmt.Errorf("--var %q: want NAME=VALUE", v)
		}
	}
	return nil
}
