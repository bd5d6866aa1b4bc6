package gate

import (
	"context"
	"fmt"
	"time"

	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/plan"
	"github.com/saprism/tfgate/internal/policy"
	"github.com/saprism/tfgate/internal/result"
	"github.com/saprism/tfgate/internal/source"
)

// The policy and source packages are wired here.

func newEngine(ctx context.Context, dirs []string, over map[string]map[string]string) (Engine, error) {
	return policy.New(ctx, policy.Options{ExtraDirs: dirs, Overrides: over})
}

func applyExceptions(f []result.Finding, ex []config.Exception, now time.Time) ([]result.Finding, []result.Exception, error) {
	return policy.ApplyExceptions(f, ex, now)
}

// sourceContext reads what the policies need from the configuration and
// the plan JSON lacks (locals, jsonencode policy objects); a configuration
// that cannot be read gives none (annotate reports why).
func sourceContext(o Options, p *plan.Plan) plan.Context {
	root, dir, ok := sourceDir(o)
	if !ok {
		return plan.Context{}
	}
	ix, err := source.Load(root, dir)
	if err != nil {
		return plan.Context{}
	}
	return plan.Context{Locals: ix.LocalReferences(p.Raw), Documents: ix.JSONDocuments(p.Raw)}
}

// annotate adds file:line to findings. A configuration that does not parse
// is an error (Terraform would not have planned it either); an unknown
// configuration dir only means no locations.
func annotate(o Options, p *plan.Plan, f []result.Finding) error {
	root, dir, ok := sourceDir(o)
	if !ok || len(f) == 0 {
		return nil
	}
	ix, err := source.Load(root, dir)
	if err != nil {
		return fmt.Errorf("source: %s", p.Redactor.Redact(err.Error()))
	}
	ix.Annotate(f, p.Raw, o.VarFiles)
	return nil
}
