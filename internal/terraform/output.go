package terraform

import (
	"context"
	"encoding/json"
)

// Output is one Terraform output: its JSON value and whether Terraform
// marks it sensitive.
type Output struct {
	Sensitive bool
	Value     json.RawMessage
}

// Output runs `terraform output -json`.
func (r *Runner) Output(ctx context.Context) (map[string]Output, error) {
	tf, err := r.terraform(nil)
	if err != nil {
		return nil, err
	}
	outs, err := tf.Output(ctx)
	if err != nil {
		return nil, r.classify(ctx, "output", err, nil)
	}
	m := make(map[string]Output, len(outs))
	for k, o := range outs {
		m[k] = Output{Sensitive: o.Sensitive, Value: o.Value}
	}
	return m, nil
}
