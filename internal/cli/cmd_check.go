package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/gate"
	tfg "github.com/saprism/tfgate/internal/terraform"
	"github.com/spf13/cobra"
)

// defaultCheckEnv is the environment `check` judges a plan by when neither
// --env nor the plan's location says: the strictest, so an unknown plan is
// never waved through by dev's advisory enforcement.
const defaultCheckEnv = "production"

func (a *App) checkCommand() *cobra.Command {
	var ef envFlags
	var pf planFlags
	c := &cobra.Command{
		Use:   "check PLAN [--env E] [--output FMT[=FILE]]...",
		Short: "Run the policy gate on a plan: plan JSON, or a saved binary plan",
		Long: "check gates any Terraform plan: a `terraform show -json` document (from any repository) or a\n" +
			"saved binary plan (converted with terraform show -json in the environment's working dir).\n" +
			"Without --env the environment is taken from the plan's .tfgate/<env>/ location, else production.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			specs, err := parseOutputs(pf.outputs, false)
			if err != nil {
				return err
			}
			ctx, stop := a.interruptible(cmd)
			defer stop()
			return a.check(ctx, args[0], &ef, &pf, specs)
		},
	}
	c.Flags().StringVar(&ef.env, "env", "", "environment whose enforcement applies (default: from the plan's location, else production)")
	c.Flags().BoolVar(&ef.local, "local", false, "a binary plan of local mode")
	pf.registerGate(c.Flags())
	c.Flags().StringArrayVar(&pf.varFiles, "var-file", nil, "tfvars the plan used, to point findings at their lines (repeatable)")
	return c
}

func (a *App) check(ctx context.Context, path string, ef *envFlags, pf *planFlags, specs []outputSpec) error {
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return failf("plan %s: %v", path, err)
	}
	env, local := ef.env, ef.local
	if env == "" {
		if e, l, ok := envFromPath(cfg, path); ok {
			env, local = e, l || local
		} else {
			env = defaultCheckEnv
			a.infof("check: no --env given; judging the plan by %s enforcement", env)
		}
	}
	if _, err := cfg.Env(env); err != nil {
		return failf("--env: %v", err)
	}
	name := path
	if isBinaryPlan(data) {
		layout, err := tfg.NewLayout(cfg, env, local)
		if err != nil {
			return failf("%v", err)
		}
		js, err := a.showBinaryPlan(ctx, layout, path)
		if err != nil {
			return err
		}
		data, name = js, path+" (terraform show -json)"
	}
	var varFiles []string
	for _, f := range pf.varFiles {
		if _, err := os.Stat(f); err != nil {
			return failf("--var-file %s: no such file", f)
		}
		varFiles = append(varFiles, f)
	}
	gcfg, changes, done, err := a.trustedPolicy(ctx, cfg, pf)
	if err != nil {
		return err
	}
	defer done()
	out, err := gate.Evaluate(ctx, gate.Options{
		Config:        gcfg,
		PolicyChanges: changes,
		Env:           env,
		PlanJSON:      data,
		PlanName:      name,
		VarFiles:      varFiles,
		PolicyDirs:    pf.policyDirs,
		AllowDestroy:  pf.allowDestroy,
		Strict:        pf.strict,
		ToolVersion:   Version,
	})
	if err != nil {
		return failf("%v", err)
	}
	if err := a.writeReports(specs, out.Result, out.Plan.Redactor, sarifFallback(cfg, relToRoot(cfg, path))); err != nil {
		return err
	}
	return verdictExit(out.Result)
}

// isBinaryPlan: saved plans are zip archives.
func isBinaryPlan(data []byte) bool {
	return bytes.HasPrefix(data, []byte("PK\x03\x04"))
}

// envFromPath recognises .tfgate/<env>/<mode>/... plan locations.
func envFromPath(cfg *config.Config, path string) (string, bool, bool) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", false, false
	}
	root, _ := filepath.Abs(cfg.Root)
	rel, err := filepath.Rel(filepath.Join(root, tfg.StateRoot), abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return "", false, false
	}
	parts := strings.Split(filepath.ToSlash(rel), "/")
	if len(parts) < 3 {
		return "", false, false
	}
	if _, err := cfg.Env(parts[0]); err != nil {
		return "", false, false
	}
	return parts[0], parts[1] == "local", true
}

// showBinaryPlan converts a saved plan to JSON in the environment's
// initialised working dir; it needs no AWS access.
func (a *App) showBinaryPlan(ctx context.Context, layout tfg.Layout, path string) ([]byte, error) {
	a.warnCLIConfig()
	if !layout.Initialised() {
		return nil, failf("%s is a binary plan: it needs the initialised working dir of environment %s (%s mode); run `tfgate init --env %s` first, or pass plan JSON (terraform show -json)",
			path, layout.Env, layout.Mode(), layout.Env)
	}
	bin, err := tfg.Find(ctx)
	if err != nil {
		return nil, failf("%v", err)
	}
	env, _, err := tfg.BuildEnv(tfg.EnvOptions{Layout: layout, Offline: true})
	if err != nil {
		return nil, failf("%v", err)
	}
	abs, _ := filepath.Abs(path)
	r := &tfg.Runner{Bin: bin, Layout: layout, Env: env}
	js, _, err := r.ShowPlan(ctx, abs)
	if err != nil {
		return nil, failf("%s: %v", path, err)
	}
	return js, nil
}
