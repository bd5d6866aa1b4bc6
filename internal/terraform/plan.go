package terraform

import (
	"context"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// PlanOptions are the options of `terraform plan`.
type PlanOptions struct {
	Out         string   // -out: the saved plan
	VarFiles    []string // -var-file, absolute paths
	Vars        []string // -var K=V
	Destroy     bool     // -destroy
	LockTimeout string   // -lock-timeout, default 0s
	// RefreshOnly plans no change to infrastructure: it only reads the live
	// objects, so the saved plan's resource_drift is what changed outside
	// Terraform (tfgate drift).
	RefreshOnly bool
}

func (o PlanOptions) options() []tfexec.PlanOption {
	var opts []tfexec.PlanOption
	if o.Out != "" {
		opts = append(opts, tfexec.Out(o.Out))
	}
	for _, f := range o.VarFiles {
		opts = append(opts, tfexec.VarFile(f))
	}
	for _, v := range o.Vars {
		opts = append(opts, tfexec.Var(v))
	}
	if o.Destroy {
		opts = append(opts, tfexec.Destroy(true))
	}
	if o.RefreshOnly {
		opts = append(opts, tfexec.RefreshOnly(true))
	}
	if o.LockTimeout != "" {
		opts = append(opts, tfexec.LockTimeout(o.LockTimeout))
	}
	return opts
}

// Plan runs `terraform plan -json`, streaming its UI into prog. It reports
// whether the plan has changes.
func (r *Runner) Plan(ctx context.Context, o PlanOptions, prog *Progress) (bool, error) {
	tf, err := r.terraform(nil)
	if err != nil {
		return false, err
	}
	changes, err := tf.PlanJSON(ctx, prog, o.options()...)
	prog.Close()
	return changes, r.classify(ctx, "plan", err, prog)
}
