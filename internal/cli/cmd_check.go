package cli

import (
	"github.com/saprism/tfgate/internal/run"
	"github.com/spf13/cobra"
)

func (a *App) checkCommand() *cobra.Command {
	var ef envFlags
	var pf planFlags
	var configDir string
	c := &cobra.Command{
		Use:   "check PLAN [--env E] [--output FMT[=FILE]]...",
		Short: "Run the policy gate on a plan: plan JSON, or a saved binary plan",
		Long: "check gates any Terraform plan: a `terraform show -json` document (from any repository) or a\n" +
			"saved binary plan (converted with terraform show -json in the environment's working dir).\n" +
			"Without --env the environment is taken from the plan's .tfgate/<env>/ location, else production.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			specs, err := pf.parse(false)
			if err != nil {
				return err
			}
			ctx, stop := a.interruptible(cmd)
			defer stop()
			cfg, err := a.loadConfig()
			if err != nil {
				return err
			}
			g, err := run.Check(ctx, run.CheckOptions{Config: cfg, Path: args[0], Env: ef.env, Local: ef.local,
				Plan: pf.options(), Log: a.Stderr, NoInstall: a.noInstall(), Getenv: a.Getenv, ConfigDir: configDir})
			if err != nil {
				return err
			}
			if err := a.writeReports(cfg, specs, g); err != nil {
				return err
			}
			return verdict(g)
		},
	}
	c.Flags().StringVar(&ef.env, "env", "", "environment whose enforcement applies (default: from the plan's location, else production)")
	c.Flags().BoolVar(&ef.local, "local", false, "a binary plan of local mode")
	pf.registerGate(c.Flags())
	c.Flags().StringArrayVar(&pf.varFiles, "var-file", nil, "tfvars the plan used, to point findings at their lines (repeatable)")
	c.Flags().StringVar(&configDir, "config-dir", "", "Terraform configuration the plan was made from, for file:line (default: terraform_dir of tfgate.yaml, else the directory under the repository root that declares the plan's root module)")
	return c
}
