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
	var opts []tfexec.DestroyOption
	for _, f := range o.VarFiles {
		opts = append(opts, tfexec.VarFile(f))
	}
	for _, v := range o.Vars {
		opts = append(opts, tfexec.Var(v))
	}
	if o.LockTimeout != "" {
		opts = append(opts, tfexec.LockTimeout(o.LockTimeout))
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
