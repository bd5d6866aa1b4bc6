package cli

import (
	"github.com/saprism/tfgate/internal/run"
	"github.com/spf13/cobra"
)

func (a *App) outputCommand() *cobra.Command {
	var ef envFlags
	var asJSON bool
	c := &cobra.Command{
		Use:   "output --env E [--local] [--json]",
		Short: "Print an environment's outputs (sensitive ones masked)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := a.interruptible(cmd)
			defer stop()
			env, err := a.open(ctx, &ef, "output", false, true)
			if err != nil {
				return err
			}
			defer env.Close()
			outs, err := env.Outputs(ctx)
			if err != nil {
				return err
			}
			return run.WriteOutputs(a.Stdout, outs, asJSON)
		},
	}
	ef.register(c.Flags(), true)
	c.Flags().BoolVar(&asJSON, "json", false, "print outputs as JSON")
	return c
}
