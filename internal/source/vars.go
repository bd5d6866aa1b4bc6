package source

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/zclconf/go-cty/cty"

	"github.com/saprism/tfgate/internal/result"
)

// maxTrace bounds the local/module-input chain followed from an attribute
// back to a root variable.
const maxTrace = 32

// Vars are the tfvars assignments Terraform would use, in its precedence
// order: later files win.
type Vars struct {
	ix     *Index
	assign map[string]*hclsyntax.Attribute
}

// LoadVars parses the var files Terraform reads for a plan: terraform.tfvars
// and *.auto.tfvars in the root module's directory, then varFiles in order
// (relative to the repository root, or absolute). A missing auto-loaded file
// is fine; a missing or malformed explicit file is an error naming it.
func (ix *Index) LoadVars(varFiles []string) (*Vars, error) {
	v := &Vars{ix: ix, assign: map[string]*hclsyntax.Attribute{}}
	var files []string
	if root, ok := ix.modules[""]; ok {
		if _, err := os.Stat(filepath.Join(root.dir, "terraform.tfvars")); err == nil {
			files = append(files, filepath.Join(root.dir, "terraform.tfvars"))
		}
		auto, _ := filepath.Glob(filepath.Join(root.dir, "*.auto.tfvars"))
		sort.Strings(auto)
		files = append(files, auto...)
	}
	for _, f := range varFiles {
		if !filepath.IsAbs(f) {
			// Relative to the repository root; else to the working
			// directory (a --var-file given on the command line).
			rooted := filepath.Join(ix.root, f)
			if _, err := os.Stat(rooted); err != nil {
				if alt, err2 := filepath.Abs(f); err2 == nil {
					if _, err3 := os.Stat(alt); err3 == nil {
						rooted = alt
					}
				}
			}
			f = rooted
		}
		files = append(files, f)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("var file: %w", err)
		}
		if strings.HasSuffix(f, ".json") {
			continue // JSON var files carry no useful line per nested value
		}
		file, diags := hclsyntax.ParseConfig(src, f, hcl.InitialPos)
		if diags.HasErrors() {
			return nil, fmt.Errorf("parse var file %s", diags.Error())
		}
		body := file.Body.(*hclsyntax.Body)
		if len(body.Blocks) > 0 {
			b := body.Blocks[0]
			return nil, fmt.Errorf("%s:%d: blocks are not allowed in a var file", ix.rel(f), b.TypeRange.Start.Line)
		}
		for name, a := range body.Attributes {
			v.assign[name] = a
		}
	}
	return v, nil
}

// Locate returns the file and line of the assignment of root variable name,
// descending into an object value along sub (e.g. var.db.multi_az).
func (v *Vars) Locate(name string, sub []string) (string, int, bool) {
	a, ok := v.assign[name]
	if !ok {
		return "", 0, false
	}
	rng, _ := attributeRange(a.SrcRange, a.Expr, sub)
	return v.ix.rel(rng.Filename), rng.Start.Line, true
}

// Chain follows the expression set for attribute in the resource at address
// back to the place its value was chosen (see chain.go). vars may be nil
// (no tfvars known). ok is false when the attribute is not set in the
// configuration or its value mixes several inputs.
func (ix *Index) Chain(address, attribute string, vars *Vars) (result.ValueSource, bool) {
	mods, res, ok := parseInstances(address)
	if !ok {
		return result.ValueSource{}, false
	}
	key := ""
	for _, m := range mods {
		key = joinModule(key, m.name)
	}
	m := ix.modules[key]
	if m == nil || m.resources[res.name] == nil {
		return result.ValueSource{}, false
	}
	b := m.resources[res.name]
	_, expr := locateIn(b, attributePath(attribute))
	if expr == nil {
		return result.ValueSource{}, false
	}
	f := frame{key: key, insts: mods}
	bind(&f, b, res.key)
	c := &chain{ix: ix, vars: vars}
	e, ok := c.follow(f, expr, nil, "")
	if !ok || e.kind == "" {
		return result.ValueSource{}, false
	}
	return result.ValueSource{File: ix.rel(e.rng.Filename), Line: e.rng.Start.Line, Kind: e.kind, Via: e.hops}, true
}

// traversalPath keeps the attribute names and literal keys after a
// variable's name; it stops at the first step it cannot name.
func traversalPath(t hcl.Traversal) []string {
	var out []string
	for _, s := range t {
		switch s := s.(type) {
		case hcl.TraverseAttr:
			out = append(out, s.Name)
		case hcl.TraverseIndex:
			k := s.Key
			switch {
			case !k.IsKnown() || k.IsNull():
				return out
			case k.Type() == cty.String:
				out = append(out, k.AsString())
			case k.Type() == cty.Number && k.AsBigFloat().IsInt():
				i, _ := k.AsBigFloat().Int64()
				out = append(out, fmt.Sprint(i))
			default:
				return out
			}
		default:
			return out
		}
	}
	return out
}

// splitModule splits "module.a.module.b" into ("module.a", "b").
func splitModule(key string) (string, string) {
	i := strings.LastIndex(key, ".module.")
	if i < 0 {
		return "", strings.TrimPrefix(key, "module.")
	}
	return key[:i], key[i+len(".module."):]
}

// Annotate fills File/Line (when empty), VarFile/VarLine (the tfvars line
// that set the value) and SetAt (where the value was chosen, when that is
// neither the finding's own line nor simply VarFile) of each finding. The
// plan, when given, is used to follow module calls the HCL walk missed.
// Findings whose resource is not in this configuration keep empty
// locations; unreadable var files only lose the var locations (Terraform
// has already rejected them when planning).
func (ix *Index) Annotate(findings []result.Finding, p *tfjson.Plan, varFiles []string) {
	ix.FollowPlan(p)
	vars, err := ix.LoadVars(varFiles)
	if err != nil {
		vars = nil
	}
	for i := range findings {
		f := &findings[i]
		if f.File == "" {
			if file, line, ok := ix.Locate(f.Address, f.Attribute); ok {
				f.File, f.Line = file, line
			}
		}
		if f.Attribute == "" || f.VarFile != "" || f.SetAt != nil {
			continue
		}
		set, ok := ix.Chain(f.Address, f.Attribute, vars)
		if !ok {
			continue
		}
		if set.Kind == "tfvars" {
			f.VarFile, f.VarLine = set.File, set.Line
			if len(set.Via) == 0 {
				continue // a root variable's tfvars line: VarFile says it all
			}
		}
		f.SetAt = &set
	}
}
