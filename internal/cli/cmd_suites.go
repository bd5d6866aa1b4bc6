package cli

import (
	"github.com/spf13/cobra"
)

func (a *App) testCommand() *cobra.Command {
	var suite, junit string
	var verbose bool
	c := &cobra.Command{
		Use:   "test [--suite plan|policy|e2e-local|e2e-aws] [--junit FILE]",
		Short: "Run the Terratest suites in test/ (go test), optionally writing JUnit XML",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runSuites(cmd.Context(), suite, junit, verbose)
		},
	}
	c.Flags().StringVar(&suite, "suite", "", "one suite: plan, policy, e2e-local or e2e-aws (default: plan, policy and e2e-local)")
	c.Flags().StringVar(&junit, "junit", "", "write a JUnit XML report to FILE")
	c.Flags().BoolVarP(&verbose, "verbose", "v", false, "print every test's output")
	return c
}
