package cli

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/saprism/tfgate/internal/source"
	tfg "github.com/saprism/tfgate/internal/terraform"
	"github.com/spf13/cobra"
)

func (a *App) validateCommand() *cobra.Command {
	var pluginDir string
	c := &cobra.Command{
		Use:   "validate",
		Short: "terraform fmt -check, terraform validate, and tfgate's static HCL checks",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := a.interruptible(cmd)
			defer stop()
			return a.validate(ctx, pluginDir)
		},
	}
	c.Flags().StringVar(&pluginDir, "plugin-dir", "", "provider mirror directory (default: $TFGATE_PLUGIN_DIR, implied mirrors, registry)")
	return c
}

// validateEnv names the data dir validate uses: it needs providers but no
// backend and no environment.
const validateEnv = "_validate"

func (a *App) validate(ctx context.Context, pluginFlag string) error {
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	a.warnCLIConfig()
	root, _ := filepath.Abs(cfg.Root)
	tfdir := cfg.TerraformDir
	if !filepath.IsAbs(tfdir) {
		tfdir = filepath.Join(root, tfdir)
	}
	layout := tfg.Layout{Root: root, TFDir: tfdir, Env: validateEnv}
	bin, err := tfg.Find(ctx)
	if err != nil {
		return failf("%v", err)
	}
	plugin, _, err := tfg.PluginDir(pluginFlag)
	if err != nil {
		return failf("%v", err)
	}
	if err := layout.Prepare(); err != nil {
		return failf("%v", err)
	}
	env, _, err := tfg.BuildEnv(tfg.EnvOptions{Layout: layout, Offline: true})
	if err != nil {
		return failf("%v", err)
	}
	r := &tfg.Runner{Bin: bin, Layout: layout, Env: env}
	problems := 0

	files, err := r.FormatCheck(ctx)
	if err != nil {
		return a.tfError(err)
	}
	for _, f := range files {
		fmt.Fprintf(a.Stdout, "%s: not formatted (run terraform fmt)\n", f)
		problems++
	}

	if !layout.Initialised() {
		if err := r.Init(ctx, tfg.InitOptions{PluginDir: plugin, NoBackend: true}); err != nil {
			return a.tfError(err)
		}
	}
	diags, err := r.Validate(ctx)
	if err != nil {
		return a.tfError(err)
	}
	for _, d := range diags {
		fmt.Fprintf(a.Stdout, "%s: %s\n", d.Severity, d.String())
		if d.Severity == "error" {
			problems++
		}
	}

	ix, err := source.Load(root, tfdir)
	if err != nil {
		return failf("%v", err)
	}
	for _, w := range ix.Warnings() {
		a.infof("source: warning: %s", w)
	}
	for _, p := range ix.Validate() {
		fmt.Fprintf(a.Stdout, "%s\n", p.String())
		problems++
	}
	if problems > 0 {
		return failf("validate: %s in %s", plural(problems, "problem"), layout.Rel(tfdir))
	}
	fmt.Fprintf(a.Stdout, "validate: %s is formatted, valid and passes the static checks\n", layout.Rel(tfdir))
	return nil
}
