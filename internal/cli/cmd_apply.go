package cli

import (
	"github.com/spf13/cobra"
)

func (a *App) applyCommand() *cobra.Command {
	var ef envFlags
	c := &cobra.Command{
		Use:   "apply --env E [--local]",
		Short: "Apply the saved plan of the last `tfgate plan`, and nothing else",
		Long: "apply verifies the decision record of the environment's saved plan (present, passed, same sha256)\n" +
			"and applies exactly that plan. A missing, failed or tampered record is refused.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := a.interruptible(cmd)
			defer stop()
			env, err := a.open(ctx, &ef, "apply", false, false)
			if err != nil {
				return err
			}
			defer env.Close()
			return env.Apply(ctx)
		},
	}
	ef.register(c.Flags(), true)
	c.Flags().BoolVar(&ef.json, "json", false, "machine progress: Terraform's JSON UI events on stdout")
	return c
}
