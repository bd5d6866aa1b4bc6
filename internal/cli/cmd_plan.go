package cli

import (
	"github.com/spf13/cobra"
)

func (a *App) planCommand() *cobra.Command {
	var ef envFlags
	var pf planFlags
	c := &cobra.Command{
		Use:   "plan --env E [--local] [--var-file F]... [--var K=V]... [--output FMT[=FILE]]...",
		Short: "Plan an environment, save the plan and run it through the policy gate",
		Long: "plan runs terraform init (if needed), plan -out and show -json for the environment, then the\n" +
			"policy gate, and writes a decision record next to the saved plan; `tfgate apply` applies that plan only.\n" +
			"Exit codes: 0 passed (warnings allowed), 1 denied by policy, 2 error.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			specs, err := pf.parse(ef.json)
			if err != nil {
				return err
			}
			ctx, stop := a.interruptible(cmd)
			defer stop()
			env, err := a.open(ctx, &ef, "plan", false, false)
			if err != nil {
				return err
			}
			defer env.Close()
			g, err := a.planAndReport(ctx, env, &pf, &ef, specs)
			if err != nil {
				return err
			}
			return verdict(g)
		},
	}
	ef.register(c.Flags(), true)
	pf.register(c.Flags())
	c.Flags().BoolVar(&ef.json, "json", false, "machine progress: Terraform's JSON UI events and tfgate's on stdout, one per line")
	return c
}
