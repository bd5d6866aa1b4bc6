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
		files = append(files, ix.varFilePath(f))
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

// TraceVar follows the expression set for attribute in the resource at
// address back to a root module variable: through locals and through module
// input variables to the argument of the module call. It returns the
// variable name and the attribute path inside it (var.db.multi_az → "db",
// ["multi_az"]). It gives up when the value mixes several variables.
func (ix *Index) TraceVar(address, attribute string) (string, []string, bool) {
	key, expr, ok := ix.attributeExpr(address, attribute)
	if !ok {
		return "", nil, false
	}
	return ix.trace(key, expr, 0)
}

func (ix *Index) trace(key string, expr hclsyntax.Expression, depth int) (string, []string, bool) {
	if depth > maxTrace || expr == nil {
		return "", nil, false
	}
	m := ix.modules[key]
	if m == nil {
		return "", nil, false
	}
	type ref struct {
		name string
		sub  []string
	}
	var refs []ref
	seen := map[string]bool{}
	for _, t := range expr.Variables() {
		root := t.RootName()
		if len(t) < 2 {
			continue
		}
		attr, ok := t[1].(hcl.TraverseAttr)
		if !ok {
			continue
		}
		switch root {
		case "var":
			sub := traversalPath(t[2:])
			// A module input variable: continue in the caller's argument.
			if key != "" {
				parent, call := splitModule(key)
				pm := ix.modules[parent]
				if pm == nil || pm.calls[call] == nil {
					return "", nil, false
				}
				arg, ok := pm.calls[call].Body.Attributes[attr.Name]
				if !ok {
					continue // the variable's default: no tfvars line
				}
				name, inner, ok := ix.trace(parent, arg.Expr, depth+1)
				if !ok {
					return "", nil, false
				}
				if isTraversal(arg.Expr) {
					inner = append(append([]string(nil), inner...), sub...)
				}
				r := ref{name: name, sub: inner}
				if id := r.name + "." + strings.Join(r.sub, "."); !seen[id] {
					seen[id] = true
					refs = append(refs, r)
				}
				continue
			}
			if id := attr.Name + "." + strings.Join(sub, "."); !seen[id] {
				seen[id] = true
				refs = append(refs, ref{name: attr.Name, sub: sub})
			}
		case "local":
			l, ok := m.locals[attr.Name]
			if !ok {
				continue
			}
			name, sub, ok := ix.trace(key, l.Expr, depth+1)
			if !ok {
				continue
			}
			if id := name + "." + strings.Join(sub, "."); !seen[id] {
				seen[id] = true
				refs = append(refs, ref{name: name, sub: sub})
			}
		}
	}
	if len(refs) != 1 {
		return "", nil, false
	}
	return refs[0].name, refs[0].sub, true
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

func isTraversal(e hclsyntax.Expression) bool {
	_, ok := e.(*hclsyntax.ScopeTraversalExpr)
	return ok
}

// splitModule splits "module.a.module.b" into ("module.a", "b").
func splitModule(key string) (string, string) {
	i := strings.LastIndex(key, ".module.")
	if i < 0 {
		return "", strings.TrimPrefix(key, "module.")
	}
	return key[:i], key[i+len(".module."):]
}

// Annotate fills File/Line (when empty) and VarFile/VarLine of each finding.
// The plan, when given, is used to follow module calls the HCL walk missed.
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
		if vars == nil || f.Attribute == "" || f.VarFile != "" {
			continue
		}
		name, sub, ok := ix.TraceVar(f.Address, f.Attribute)
		if !ok {
			continue
		}
		if file, line, ok := vars.Locate(name, sub); ok {
			f.VarFile, f.VarLine = file, line
		}
	}
}

// varFilePath resolves a var file: absolute as is; relative to the
// repository root, else to the working directory (a --var-file given on
// the command line).
func (ix *Index) varFilePath(f string) string {
	if filepath.IsAbs(f) {
		return f
	}
	rooted := filepath.Join(ix.root, f)
	if _, err := os.Stat(rooted); err != nil {
		if alt, err2 := filepath.Abs(f); err2 == nil {
			if _, err3 := os.Stat(alt); err3 == nil {
				return alt
			}
		}
	}
	return rooted
}
