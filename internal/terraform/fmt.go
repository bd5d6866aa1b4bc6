package terraform

import (
	"context"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// FormatCheck runs `terraform fmt -check -recursive` on the configuration
// directory and returns the files (repo-relative) that need formatting.
func (r *Runner) FormatCheck(ctx context.Context) ([]string, error) {
	tf, err := r.terraform(nil)
	if err != nil {
		return nil, err
	}
	_, files, err := tf.FormatCheck(ctx, tfexec.Recursive(true), tfexec.Dir(r.Layout.TFDir))
	if err != nil {
		return nil, r.classify(ctx, "fmt", err, nil)
	}
	var out []string
	for _, f := range files {
		out = append(out, r.Layout.SourcePath(f))
	}
	return out, nil
}
