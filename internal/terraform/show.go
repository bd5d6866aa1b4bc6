package terraform

import (
	"bytes"
	"context"

	tfjson "github.com/hashicorp/terraform-json"
)

// ShowPlan runs `terraform show -json PLANFILE` and returns the plan JSON
// bytes exactly as Terraform printed them (the gate hashes them) and the
// parsed plan.
func (r *Runner) ShowPlan(ctx context.Context, planFile string) ([]byte, *tfjson.Plan, error) {
	tf, err := r.terraform(nil)
	if err != nil {
		return nil, nil, err
	}
	// terraform-exec checks the version (`terraform version -json`) before
	// show and that output would land in the same writer: check it first,
	// then capture only show's stdout.
	if _, _, err := tf.Version(ctx, false); err != nil {
		return nil, nil, r.classify(ctx, "version", err, nil)
	}
	var raw bytes.Buffer
	tf.SetStdout(&raw)
	p, err := tf.ShowPlanFile(ctx, planFile)
	if err != nil {
		return nil, nil, r.classify(ctx, "show", err, nil)
	}
	return bytes.TrimSpace(raw.Bytes()), p, nil
}
