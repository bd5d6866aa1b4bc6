package cli

import (
	"context"
	"os"
	"path/filepath"

	"github.com/saprism/tfgate/internal/gate"
	"github.com/saprism/tfgate/internal/plan"
	"github.com/saprism/tfgate/internal/result"
	tfg "github.com/saprism/tfgate/internal/terraform"
	"github.com/spf13/cobra"
)

func (a *App) driftCommand() *cobra.Command {
	var ef envFlags
	var pf planFlags
	c := &cobra.Command{
		Use:   "drift --env E [--local] [--output FMT[=FILE]]...",
		Short: "Report what changed outside Terraform, and judge the live objects by the policies",
		Long: "drift runs a refresh-only plan (terraform plan -refresh-only) against the live infrastructure,\n" +
			"reports every drifted resource and attribute (sensitive values redacted) and runs the refreshed\n" +
			"state through the policy gate: a finding on an attribute that drifted is a deny in every environment.\n" +
			"It changes nothing and leaves the saved plan of `tfgate plan` alone.\n" +
			"Exit codes: 0 no drift and no denied finding, 1 drift or a denied finding, 2 error.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			specs, err := parseOutputs(pf.outputs, false)
			if err != nil {
				return err
			}
			if err := checkVars(pf.vars); err != nil {
				return err
			}
			ctx, stop := a.interruptible(cmd)
			defer stop()
			s, err := a.open(ctx, &ef, openOptions{command: "drift"})
			if err != nil {
				return err
			}
			defer s.close()
			res, err := s.drift(ctx, &pf, &ef, specs)
			if err != nil {
				return err
			}
			if res.Drifted() || res.Verdict == result.Fail {
				return denied()
			}
			return nil
		},
	}
	ef.register(c.Flags(), true)
	pf.register(c.Flags())
	return c
}

// drift: refresh-only plan → show → drift report + refreshed state → gate
// → reports.
func (s *session) drift(ctx context.Context, pf *planFlags, ef *envFlags, specs []outputSpec) (*result.Result, error) {
	a := s.a
	pre, err := s.prepare(ctx, pf, ef)
	if err != nil {
		return nil, err
	}
	defer pre.done()
	varFiles, gcfg, pending := pre.varFiles, pre.cfg, pre.pending
	a.infof("terraform plan -refresh-only (%s)...", describe(s))
	// Its own file: the saved plan of `tfgate plan` stays applicable.
	out := filepath.Join(s.layout.ModeDir(), "drift.tfplan")
	defer os.Remove(out)
	prog := s.progress(false, 0)
	wctx, stopWatch := s.watchEmulator(ctx)
	_, err = s.runner.Plan(wctx, tfg.PlanOptions{Out: out, VarFiles: varFiles, Vars: pf.vars, RefreshOnly: true}, prog)
	stopWatch()
	if err != nil {
		if ctx.Err() == nil && s.emulatorDied() {
			return nil, s.emulatorDiedError("plan -refresh-only")
		}
		return nil, a.tfError(err)
	}
	js, _, err := s.runner.ShowPlan(ctx, out)
	if err != nil {
		return nil, a.tfError(err)
	}
	name := s.layout.Rel(out) + " (terraform show -json)"
	d, refreshed, err := plan.Drift(js, name)
	if err != nil {
		return nil, failf("%v", err)
	}
	a.infof("drift: %d resource(s) changed outside Terraform", len(d.Resources))
	g, err := gate.Evaluate(ctx, gate.Options{
		Config:        gcfg,
		PolicyChanges: pending,
		Env:           s.layout.Env,
		PlanJSON:      refreshed,
		PlanName:      name,
		VarFiles:      varFiles,
		PolicyDirs:    pf.policyDirs,
		AllowDestroy:  pf.allowDestroy,
		Strict:        pf.strict,
		ToolVersion:   Version,
		Drift:         d,
	})
	if err != nil {
		return nil, failf("gate: %v", err)
	}
	if err := a.writeReports(specs, g.Result, g.Plan.Redactor, sarifFallback(s.cfg, s.layout.Rel(out))); err != nil {
		return nil, err
	}
	return g.Result, nil
}

// recordLive makes state match the live objects right after `up` applied:
// a refresh-only saved plan, applied. It changes no infrastructure; without
// it, values that other resources change after creation (a security
// group's rules, created as separate resources) would show as drift on the
// next `tfgate drift`, and a drift check that always fires is ignored.
func (s *session) recordLive(ctx context.Context, pf *planFlags, ef *envFlags) error {
	varFiles, err := s.layout.VarFiles(s.cfg, pf.varFiles)
	if err != nil {
		return failf("%v", err)
	}
	if !ef.json {
		s.a.infof("recording the live state (refresh-only plan, applied; no infrastructure change)...")
	}
	out := filepath.Join(s.layout.ModeDir(), "refresh.tfplan")
	defer os.Remove(out)
	if _, err := s.runner.Plan(ctx, tfg.PlanOptions{Out: out, VarFiles: varFiles, Vars: pf.vars, RefreshOnly: true}, s.progress(ef.json, 0)); err != nil {
		return s.a.tfError(err)
	}
	if err := s.runner.Apply(ctx, tfg.ApplyOptions{PlanFile: out}, s.progress(ef.json, 0)); err != nil {
		return s.a.tfError(err)
	}
	return nil
}
