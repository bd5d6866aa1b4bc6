package cli

import (
	"context"
	"fmt"
	"runtime/debug"

	tfg "github.com/saprism/tfgate/internal/terraform"
	"github.com/spf13/cobra"
)

func (a *App) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print tfgate's version (and the terraform it would use)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := Version
			if bi, ok := debug.ReadBuildInfo(); ok && v == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
				v = bi.Main.Version
			}
			fmt.Fprintf(a.Stdout, "tfgate %s\n", v)
			if bin, err := tfg.Find(context.Background()); err == nil {
				fmt.Fprintf(a.Stdout, "terraform %s (%s)\n", bin.Version, bin.Path)
			} else {
				fmt.Fprintf(a.Stdout, "terraform: %v\n", err)
			}
			return nil
		},
	}
}
