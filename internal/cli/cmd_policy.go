package cli

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/saprism/tfgate/internal/config"
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
			rules := eng.Rules()
			envs := envOrder(cfg)
			tw := tabwriter.NewWriter(a.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintf(tw, "ID\tSEVERITY\t%s\tTITLE\tCONTROLS\n", strings.ToUpper(strings.Join(envs, "\t")))
			for _, r := range rules {
				var enf []string
				for _, e := range envs {
					v := string(r.Enforcement[e])
					if v == "" {
						v = "-"
					}
					enf = append(enf, v)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Severity, strings.Join(enf, "\t"), r.Title, strings.Join(r.Controls, " "))
			}
			return tw.Flush()
		},
	}
	list.Flags().StringArrayVar(&ldirs, "policy", nil, "extra policy directory (repeatable)")
	c.AddCommand(test, list)
	return c
}

// envOrder lists the known environments first in their order of growing
// enforcement, then any extra ones from tfgate.yaml.
func envOrder(cfg *config.Config) []string {
	out := append([]string(nil), config.Environments...)
	var extra []string
	for n := range cfg.Environments {
		known := false
		for _, k := range config.Environments {
			known = known || k == n
		}
		if !known {
			extra = append(extra, n)
		}
	}
	sort.Strings(extra)
	return append(out, extra...)
}
