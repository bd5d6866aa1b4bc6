package run

import (
	"context"
	"fmt"
	"io"

	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/source"
	tfg "github.com/saprism/tfgate/internal/terraform"
)

// validateEnv names the data dir validate uses: it needs providers but no
// backend and no environment.
const validateEnv = "_validate"

// Validate runs terraform fmt -check, terraform validate and tfgate's
// static HCL checks on the configuration, printing each problem to w; a
// problem is an error naming how many.
func Validate(ctx context.Context, cfg *config.Config, pluginFlag string, noInstall bool, w, log io.Writer, getenv func(string) string) error {
	WarnCLIConfig(log, getenv)
	root := cfg.Abs(".")
	tfdir := cfg.TerraformPath()
	layout := tfg.Layout{Root: root, TFDir: tfdir, Env: validateEnv}
	bin, err := tfg.Ensure(ctx, noInstall, log)
	if err != nil {
		return err
	}
	plugin, _, err := tfg.PluginDir(pluginFlag)
	if err != nil {
		return err
	}
	if err := layout.Prepare(); err != nil {
		return err
	}
	env, _, err := tfg.BuildEnv(tfg.EnvOptions{Layout: layout, Offline: true})
	if err != nil {
		return err
	}
	r := &tfg.Runner{Bin: bin, Layout: layout, Env: env}
	problems := 0

	files, err := r.FormatCheck(ctx)
	if err != nil {
		return err
	}
	for _, f := range files {
		fmt.Fprintf(w, "%s: not formatted (run terraform fmt)\n", f)
		problems++
	}
	if !layout.Initialised() {
		if err := r.Init(ctx, tfg.InitOptions{PluginDir: plugin, NoBackend: true}); err != nil {
			return err
		}
	}
	diags, err := r.Validate(ctx)
	if err != nil {
		return err
	}
	for _, d := range diags {
		fmt.Fprintf(w, "%s: %s\n", d.Severity, d.String())
		if d.Severity == "error" {
			problems++
		}
	}
	ix, err := source.Load(root, tfdir)
	if err != nil {
		return err
	}
	for _, m := range ix.Warnings() {
		fmt.Fprintf(log, "source: warning: %s\n", m)
	}
	for _, p := range ix.Validate() {
		fmt.Fprintf(w, "%s\n", p.String())
		problems++
	}
	if problems > 0 {
		return fmt.Errorf("validate: %s in %s", Plural(problems, "problem"), layout.Rel(tfdir))
	}
	fmt.Fprintf(w, "validate: %s is formatted, valid and passes the static checks\n", layout.Rel(tfdir))
	return nil
}
