package terraform

import (
	"context"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// Output runs `terraform output -json`.
func (r *Runner) Output(ctx context.Context) (map[string]tfexec.OutputMeta, error) {
	tf, err := r.terraform(nil)
	if err != nil {
		return nil, err
	}
	out, err := tf.Output(ctx)
	return out, r.classify(ctx, "output", err, nil)
}
