package cli

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/saprism/tfgate/internal/config"
	"github.com/spf13/cobra"
)

func (a *App) policyCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "policy test|list",
		Short: "Test or list the policy rules",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return failf("policy needs a subcommand: test or list")
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
			ok, err := policyTest(cmd.Context(), policyDirs(cfg, dirs), a.Stdout, coverage)
			if err != nil {
				return failf("%v", err)
			}
			if !ok {
				return &exitError{code: ExitDenied, err: fmt.Errorf("policy tests failed")}
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
			rules, err := policyRules(cmd.Context(), policyDirs(cfg, ldirs), cfg.Enforcement)
			if err != nil {
				return failf("%v", err)
			}
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

func policyDirs(cfg *config.Config, extra []string) []string {
	var out []string
	for _, d := range append(append([]string(nil), cfg.PolicyDirs...), extra...) {
		if _, err := os.Stat(d); err != nil && cfg.Root != "" {
			d = cfg.Root + string(os.PathSeparator) + d
		}
		out = append(out, d)
	}
	return out
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
