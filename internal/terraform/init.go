package terraform

import (
	"context"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// InitOptions are the options of `terraform init`.
type InitOptions struct {
	PluginDir     string            // -plugin-dir (a provider mirror), "" for the registry
	NoBackend     bool              // -backend=false (validate only)
	BackendConfig map[string]string // -backend-config KEY=VALUE (AWS mode)
	Reconfigure   bool              // -reconfigure
	Upgrade       bool              // -upgrade
}

func (o InitOptions) options() []tfexec.InitOption {
	opts := []tfexec.InitOption{tfexec.Backend(!o.NoBackend), tfexec.Upgrade(o.Upgrade), tfexec.Reconfigure(o.Reconfigure)}
	if o.PluginDir != "" {
		opts = append(opts, tfexec.PluginDir(o.PluginDir))
	}
	for _, kv := range Pairs(o.BackendConfig) {
		opts = append(opts, tfexec.BackendConfig(kv))
	}
	return opts
}

// Init runs `terraform init` in the working dir (Prepare it first).
func (r *Runner) Init(ctx context.Context, o InitOptions) error {
	tf, err := r.terraform(nil)
	if err != nil {
		return err
	}
	err = tf.Init(ctx, o.options()...)
	if err == nil {
		return r.Layout.markInitialised()
	}
	if err != nil {
		err = r.classify(ctx, "init", err, nil)
		if pm, ok := err.(*ProviderMissingError); ok {
			pm.PluginDir = o.PluginDir
		}
	}
	return err
}
