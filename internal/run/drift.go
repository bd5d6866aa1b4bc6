package run

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/saprism/tfgate/internal/atomicfile"
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

// recordLive makes state match the live objects right after an apply that
// changed something (terraform apply -refresh-only). It changes no
// infrastructure; without it, values that other resources change after
// creation (a security group's rules, created as separate resources) would
// show as drift on the next `tfgate drift`, and a drift check that always
// fires is ignored. The refresh evaluates the configuration with the saved
// plan's own variable values (p.Raw.Variables), written for the moment to a
// 0600 var file next to the state, so `tfgate apply` needs no --var again.
// A failure is a warning: the infrastructure change itself succeeded.
func (e *Env) recordLive(ctx context.Context, p *plan.Plan) error {
	vars := map[string]any{}
	if p.Raw != nil {
		for name, v := range p.Raw.Variables {
			if v != nil {
				vars[name] = v.Value
			}
		}
	}
	data, err := json.Marshal(vars)
	if err != nil {
		return err
	}
	vf := filepath.Join(e.layout.ModeDir(), "refresh.tfvars.json")
	defer os.Remove(vf)
	if err := atomicfile.WriteFile(vf, data, 0o600); err != nil {
		return err
	}
	e.progressf("recording the live state (terraform apply -refresh-only; no infrastructure change)...")
	err = e.terraformRun(ctx, "apply -refresh-only", func(ctx context.Context) error {
		return e.runner.Refresh(ctx, tfg.RefreshOptions{VarFiles: []string{vf}}, e.progress(0, p.Redactor))
	})
	if err != nil && ctx.Err() == nil {
		e.infof("warning: recording the live state failed (the next `tfgate drift` may report changes this apply caused): %s", p.Redactor.Redact(firstLine(err.Error())))
		return nil
	}
	return err
}
