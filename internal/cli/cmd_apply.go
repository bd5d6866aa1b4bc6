package cli

import (
	"github.com/spf13/cobra"
)

func (a *App) applyCommand() *cobra.Command {
	var ef envFlags
	var pf planFlags
	c := &cobra.Command{
		Use:   "apply --env E [--local]",
		Short: "Apply the saved plan of the last `tfgate plan`, and nothing else",
		Long: "apply verifies the decision record of the environment's saved plan (present, passed, same sha256),\n" +
			"re-runs the gate on that plan with the policies in force now and applies exactly that plan only when the\n" +
			"new verdict passes and matches the record. A missing, failed, edited or outdated record is refused.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := a.interruptible(cmd)
			defer stop()
			env, err := a.open(ctx, &ef, "apply", false, false)
			if err != nil {
				return err
			}
			defer env.Close()
			return env.Apply(ctx, pf.applyOptions())
		},
	}
	ef.register(c.Flags(), true)
	pf.registerReverify(c.Flags())
	c.Flags().BoolVar(&ef.json, "json", false, "machine progress: Terraform's JSON UI events on stdout")
	return c
}
