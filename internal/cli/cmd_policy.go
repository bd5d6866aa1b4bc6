package cli

import (
	"errors"

	"github.com/saprism/tfgate/internal/policy"
	"github.com/saprism/tfgate/internal/run"
	"github.com/spf13/cobra"
)

func (a *App) policyCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "policy test|list",
		Short: "Test or list the policy rules",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("policy needs a subcommand: test or list")
		},
	}
	var dirs []string
	var coverage bool
	test := &cobra.Command{
		Use:   "test [--policy DIR]... [--coverage]",
		Short: "Run the Rego tests of the embedded policies and extra dirs (OPA tester)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.loadConfig()
			if err != nil {
				return err
			}
			ok, err := policy.Test(cmd.Context(), cfg.PolicyPaths(dirs), a.Stdout, coverage)
			if err != nil {
				return err
			}
			if !ok {
				return &run.DeniedError{Reason: "policy tests failed"}
			}
			return nil
		},
	}
	test.Flags().StringArrayVar(&dirs, "policy", nil, "extra policy directory (repeatable)")
	test.Flags().BoolVar(&coverage, "coverage", false, "report rule coverage")
	var ldirs []string
	list := &cobra.Command{
		Use:   "list [--policy DIR]...",
		Short: "List every rule: id, title, severity, enforcement per environment",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.loadConfig()
			if err != nil {
				return err
			}
			eng, err := policy.New(cmd.Context(), policy.Options{ExtraDirs: cfg.PolicyPaths(ldirs), Overrides: cfg.Enforcement})
			if err != nil {
				return err
			}
			return policy.WriteTable(a.Stdout, eng.Rules(), cfg.EnvOrder())
		},
	}
	list.Flags().StringArrayVar(&ldirs, "policy", nil, "extra policy directory (repeatable)")
	c.AddCommand(test, list)
	return c
}
