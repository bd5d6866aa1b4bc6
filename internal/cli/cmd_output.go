package cli

import (
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
			s, err := a.open(ctx, &ef, openOptions{command: "output", noLock: true})
			if err != nil {
				return err
			}
			defer s.close()
			if !s.layout.Initialised() {
				return failf("environment %s is not initialised: run `tfgate up --env %s%s` or `tfgate init` first", describe(s), s.layout.Env, localFlag(s))
			}
			outs, err := s.runner.Output(ctx)
			if err != nil {
				return a.tfError(err)
			}
			return a.printOutputs(outs, asJSON)
		},
	}
	ef.register(c.Flags(), true)
	c.Flags().BoolVar(&asJSON, "json", false, "print outputs as JSON")
	return c
}
