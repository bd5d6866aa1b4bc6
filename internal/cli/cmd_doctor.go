package cli

import (
	"errors"
	"fmt"

	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/doctor"
	"github.com/spf13/cobra"
)

func (a *App) doctorCommand() *cobra.Command {
	var install, problems bool
	var which, pluginDir string
	c := &cobra.Command{
		Use:   "doctor [--install] [--which terraform|python]",
		Short: "Check what `up --local` needs (Go, Terraform, provider, Python, moto, port, .tfgate/) and say what to do",
		Long: "doctor reports each prerequisite of `tfgate up --local`, where it came from, and what to do about a\n" +
			"missing one; it exits 0 when `up --local` can run. Terraform and moto that tfgate installs for itself\n" +
			"on first use are not failures; --install installs them now. --which prints the path of the terraform\n" +
			"or python tfgate uses (installing it unless --no-install), for scripts.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if which != "" {
				p, err := doctor.Which(cmd.Context(), which, a.noInstall(), a.Stderr)
				if err != nil {
					return err
				}
				fmt.Fprintln(a.Stdout, p)
				return nil
			}
			root, err := config.FindRoot(a.root)
			if err != nil {
				return err
			}
			r := doctor.Run(cmd.Context(), doctor.Options{Root: root, PluginDir: pluginDir, NoInstall: a.noInstall(), Install: install, Progress: a.Stderr})
			r.Write(a.Stdout, problems)
			if !r.Ready() {
				return errors.New("not ready for `up --local`: see what to do above")
			}
			return nil
		},
	}
	c.Flags().BoolVar(&install, "install", false, "install a missing Terraform or moto now")
	c.Flags().StringVar(&which, "which", "", "print the path of the `terraform` or `python` tfgate uses")
	c.Flags().BoolVar(&problems, "problems", false, "print only what needs doing (nothing when all is well)")
	c.Flags().StringVar(&pluginDir, "plugin-dir", "", "provider mirror directory to check (default: as `up` finds it)")
	return c
}
