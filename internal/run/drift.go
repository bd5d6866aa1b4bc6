package run

import (
	"context"
	"os"
	"path/filepath"

	"github.com/saprism/tfgate/internal/gate"
	"github.com/saprism/tfgate/internal/plan"
	tfg "github.com/saprism/tfgate/internal/terraform"
)

// Drift runs a refresh-only plan (terraform plan -refresh-only), reports
// what changed outside Terraform and gates the refreshed state: a finding on
// an attribute that drifted is a deny in every environment. It changes
// nothing and leaves the saved plan of `tfgate plan` alone. The result's
// Drifted() says whether anything drifted; a fail verdict is a result, not
// an error.
func (e *Env) Drift(ctx context.Context, o PlanOptions) (*Gated, error) {
	varFiles, cfg, pending, done, err := e.prepare(ctx, o)
	if err != nil {
		return nil, err
	}
	defer done()
	e.progressf("terraform plan -refresh-only (%s)...", e)
	// Its own file: the saved plan of `tfgate plan` stays applicable.
	out := filepath.Join(e.layout.ModeDir(), "drift.tfplan")
	defer os.Remove(out)
	prog := e.progress(0, nil)
	err = e.terraformRun(ctx, "plan -refresh-only", func(ctx context.Context) error {
		_, err := e.runner.Plan(ctx, tfg.PlanOptions{Out: out, VarFiles: varFiles, Vars: o.Vars, RefreshOnly: true}, prog)
		return err
	})
	if err != nil {
		return nil, err
	}
	js, err := e.runner.ShowPlan(ctx, out)
	if err != nil {
		return nil, err
	}
	name := e.layout.Rel(out) + " (terraform show -json)"
	d, refreshed, err := plan.Drift(js, name)
	if err != nil {
		return nil, err
	}
	e.progressf("drift: %s changed outside Terraform", Plural(len(d.Resources), "resource"))
	p, err := decode(refreshed, name)
	if err != nil {
		return nil, err
	}
	g, err := gate.Evaluate(ctx, gate.Options{
		Config:        cfg,
		PolicyChanges: pending,
		Env:           e.layout.Env,
		Plan:          p,
		VarFiles:      varFiles,
		PolicyDirs:    o.PolicyDirs,
		AllowDestroy:  o.AllowDestroy,
		Strict:        o.Strict,
		ToolVersion:   o.ToolVersion,
		Drift:         d,
	})
	if err != nil {
		return nil, err
	}
	return &Gated{Result: g.Result, Plan: p, PlanName: e.layout.Rel(out), SourceFile: g.SourceFile}, nil
}

// RecordLive makes state match the live objects right after Apply
// (terraform apply -refresh-only), when Apply changed anything. It changes no infrastructure; without
// it, values that other resources change after creation (a security
// group's rules, created as separate resources) would show as drift on the
// next `tfgate drift`, and a drift check that always fires is ignored.
func (e *Env) RecordLive(ctx context.Context, o PlanOptions) error {
	if e.applied == 0 {
		// Nothing changed, so nothing can have changed as a side effect.
		return nil
	}
	varFiles, err := e.cfg.VarFiles(e.layout.Env, o.VarFiles)
	if err != nil {
		return err
	}
	e.progressf("recording the live state (terraform apply -refresh-only; no infrastructure change)...")
	return e.terraformRun(ctx, "apply -refresh-only", func(ctx context.Context) error {
		return e.runner.Refresh(ctx, tfg.RefreshOptions{VarFiles: varFiles, Vars: o.Vars}, e.progress(0, nil))
	})
}
