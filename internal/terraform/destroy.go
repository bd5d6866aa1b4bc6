package terraform

import (
	"context"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// DestroyOptions are the options of `terraform destroy`.
type DestroyOptions struct {
	VarFiles    []string
	Vars        []string
	LockTimeout string
}

func (o DestroyOptions) options() []tfexec.DestroyOption {
	return inputOptions[tfexec.DestroyOption](nil, o.VarFiles, o.Vars, o.LockTimeout)
}

// inputOptions are the options every command that evaluates the
// configuration shares, after first: -var-file, -var, -lock-timeout.
// terraform-exec's option values implement each command's option interface;
// the type assertion only fails for a command that takes no variables,
// which the options tests would show.
func inputOptions[O any](first []O, varFiles, vars []string, lockTimeout string) []O {
	opts := first
	for _, f := range varFiles {
		opts = append(opts, any(tfexec.VarFile(f)).(O))
	}
	for _, v := range vars {
		opts = append(opts, any(tfexec.Var(v)).(O))
	}
	if lockTimeout != "" {
		opts = append(opts, any(tfexec.LockTimeout(lockTimeout)).(O))
	}
	return opts
}

// Destroy runs `terraform destroy -json`, streaming into prog.
func (r *Runner) Destroy(ctx context.Context, o DestroyOptions, prog *Progress) error {
	tf, err := r.terraform(nil)
	if err != nil {
		return err
	}
	err = tf.DestroyJSON(ctx, prog, o.options()...)
	prog.Close()
	return r.classify(ctx, "destroy", err, prog)
}
