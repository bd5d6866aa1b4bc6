package terraform

import (
	"context"

	tfjson "github.com/hashicorp/terraform-json"
)

// Validate runs `terraform validate -json`; diagnostics carry file:line
// relative to the repository root.
func (r *Runner) Validate(ctx context.Context) ([]Diagnostic, error) {
	tf, err := r.terraform(nil)
	if err != nil {
		return nil, err
	}
	out, err := tf.Validate(ctx)
	if err != nil {
		return nil, r.classify(ctx, "validate", err, nil)
	}
	return r.diagnostics(out.Diagnostics), nil
}

func (r *Runner) diagnostics(in []tfjson.Diagnostic) []Diagnostic {
	var out []Diagnostic
	for _, d := range in {
		x := Diagnostic{Severity: string(d.Severity), Summary: d.Summary, Detail: d.Detail}
		if d.Range != nil {
			x.File = r.Layout.SourcePath(d.Range.Filename)
			x.Line = d.Range.Start.Line
		}
		out = append(out, x)
	}
	return out
}
