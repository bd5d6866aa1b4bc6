package terraform

import (
	"context"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// RefreshOptions are the options of `terraform apply -refresh-only`. It is
// the one apply without a saved plan: it changes no infrastructure, only
// records the live objects in state, so there is nothing for the gate to
// judge, and one Terraform run (not plan + apply) keeps `up` close to plain
// Terraform's time.
type RefreshOptions struct {
	VarFiles    []string // -var-file, absolute paths
	Vars        []string // -var K=V
	LockTimeout string
}

func (o RefreshOptions) options() []tfexec.ApplyOption {
	return inputOptions([]tfexec.ApplyOption{tfexec.RefreshOnly(true)}, o.VarFiles, o.Vars, o.LockTimeout)
}

// Refresh runs `terraform apply -refresh-only -auto-approve -json`,
// streaming into prog.
func (r *Runner) Refresh(ctx context.Context, o RefreshOptions, prog *Progress) error {
	tf, err := r.terraform(nil)
	if err != nil {
		return err
	}
	err = tf.ApplyJSON(ctx, prog, o.options()...)
	prog.Close()
	return r.classify(ctx, "apply -refresh-only", err, prog)
}
