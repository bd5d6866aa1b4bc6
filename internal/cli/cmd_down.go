package cli

import (
	"github.com/saprism/tfgate/internal/run"
	"github.com/spf13/cobra"
)

func (a *App) downCommand() *cobra.Command {
	var ef envFlags
	var pf planFlags
	c := &cobra.Command{
		Use:   "down --env E [--local]",
		Short: "Destroy an environment (and stop the emulator `up --local` started)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := run.CheckVars(pf.vars); err != nil {
				return err
			}
			ctx, stop := a.interruptible(cmd)
			defer stop()
			env, err := a.open(ctx, &ef, "down", true, false)
			if err != nil {
				return err
			}
			defer env.Close()
			return env.Destroy(ctx, pf.varFiles, pf.vars)
		},
	}
	ef.register(c.Flags(), true)
	c.Flags().StringArrayVar(&pf.varFiles, "var-file", nil, "extra tfvars file (repeatable)")
	c.Flags().StringArrayVar(&pf.vars, "var", nil, "variable K=V (repeatable)")
	c.Flags().BoolVar(&ef.json, "json", false, "machine progress: Terraform's JSON UI events on stdout")
	return c
}
