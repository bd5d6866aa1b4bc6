package terraform

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// ApplyOptions are the options of `terraform apply`. tfgate only ever
// applies a saved plan, so there are no variables here.
type ApplyOptions struct {
	PlanFile    string // the saved plan, required
	LockTimeout string
}

func (o ApplyOptions) options() ([]tfexec.ApplyOption, error) {
	if o.PlanFile == "" {
		return nil, errors.New("apply needs a saved plan")
	}
	opts := []tfexec.ApplyOption{tfexec.DirOrPlan(o.PlanFile)}
	if o.LockTimeout != "" {
		opts = append(opts, tfexec.LockTimeout(o.LockTimeout))
	}
	return opts, nil
}

// Apply runs `terraform apply -json PLANFILE`, streaming into prog.
func (r *Runner) Apply(ctx context.Context, o ApplyOptions, prog *Progress) error {
	opts, err := o.options()
	if err != nil {
		return err
	}
	tf, err := r.terraform(nil)
	if err != nil {
		return err
	}
	err = tf.ApplyJSON(ctx, prog, opts...)
	prog.Close()
	return r.classify(ctx, "apply", err, prog)
}
