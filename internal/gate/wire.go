package gate

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
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

// discover finds the configuration a plan was made from under root.
func discover(root string, p *plan.Plan, prefer string) (dir, why string) {
	d := source.Discover(root, p.Raw, prefer)
	return d.Dir, d.Reason
}

// sourced is what source mapping reports back to the run.
type sourced struct {
	notes []string
	file  string // the configuration's root file, relative to the repository root
}

// annotate adds file:line and value chains to findings. A root module that
// does not parse is an error (Terraform would not have planned it either);
// an unknown configuration dir, or a module that cannot be read, only means
// fewer locations, and a note says so.
func annotate(o Options, p *plan.Plan, f []result.Finding) (sourced, error) {
	var out sourced
	root, dir, note, ok := sourceDir(o, p)
	if note != "" {
		out.notes = append(out.notes, note)
	}
	if !ok || (len(f) == 0 && !o.Discover) {
		return out, nil
	}
	ix, err := source.Load(root, dir)
	if err != nil && o.Discover {
		// check maps a plan it did not make: a configuration that does not
		// parse costs the locations, not the verdict.
		out.notes = append(out.notes, "source: findings have no file:line: "+err.Error())
		return out, nil
	}
	if err != nil {
		return out, fmt.Errorf("source: %s", p.Redactor.Redact(err.Error()))
	}
	out.file = ix.RootFile()
	ix.Annotate(f, p.Raw, existing(root, o.VarFiles))
	for _, w := range ix.Warnings() {
		out.notes = append(out.notes, "source: warning: "+w)
	}
	return out, nil
}

// existing drops var files that do not exist: tfgate.yaml's defaults
// (terraform/env/<env>.tfvars) name files a foreign repository lacks, and
// one missing file must not cost the tfvars lines of the others.
func existing(root string, files []string) []string {
	var out []string
	for _, f := range files {
		p := f
		if !filepath.IsAbs(p) {
			if _, err := os.Stat(filepath.Join(root, p)); err == nil {
				out = append(out, f)
				continue
			}
		}
		if _, err := os.Stat(p); err == nil {
			out = append(out, f)
		}
	}
	return out
}
