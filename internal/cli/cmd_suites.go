package cli

import (
	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/suite"
	"github.com/spf13/cobra"
)

func (a *App) testCommand() *cobra.Command {
	var name, junit string
	var verbose bool
	c := &cobra.Command{
		Use:   "test [--suite plan|policy|e2e-local|e2e-aws] [--junit FILE]",
		Short: "Run the Terratest suites in test/ (go test), optionally writing JUnit XML",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			root, err := config.FindRoot(a.root)
			if err != nil {
				return err
			}
			return suite.Run(cmd.Context(), suite.Options{Root: root, Name: name, JUnit: junit, Verbose: verbose, Stdout: a.Stdout, Stderr: a.Stderr})
		},
	}
	c.Flags().StringVar(&name, "suite", "", "one suite: plan, policy, e2e-local or e2e-aws (default: plan, policy and e2e-local)")
	c.Flags().StringVar(&junit, "junit", "", "write a JUnit XML report to FILE")
	c.Flags().BoolVarP(&verbose, "verbose", "v", false, "print every test's output")
	return c
}
