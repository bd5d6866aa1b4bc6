package cli

import (
	"github.com/saprism/tfgate/internal/result"
	"github.com/saprism/tfgate/internal/run"
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
			specs, err := pf.parse(false)
			if err != nil {
				return err
			}
			ctx, stop := a.interruptible(cmd)
			defer stop()
			env, err := a.open(ctx, &ef, "drift", false, false)
			if err != nil {
				return err
			}
			defer env.Close()
			g, err := env.Drift(ctx, pf.options())
			if err != nil {
				return err
			}
			if err := a.writeReports(env.Config(), specs, g); err != nil {
				return err
			}
			if g.Result.Drifted() || g.Result.Verdict == result.Fail {
				return &run.DeniedError{}
			}
			return nil
		},
	}
	ef.register(c.Flags(), true)
	pf.register(c.Flags())
	return c
}
