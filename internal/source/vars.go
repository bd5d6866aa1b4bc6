package source

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/saprism/tfgate/internal/result"
)

// Vars are the tfvars assignments Terraform would use, in its precedence
// order: later files win.
type Vars struct {
	ix     *Index
	assign map[string]*hclsyntax.Attribute
	loaded map[string]bool // files read, absolute
	// planned are the root variables' values in the plan, when known: an
	// assignment that disagrees was overridden (-var, TF_VAR_, a var file
	// not given to tfgate) and is not where the value came from.
	planned map[string]any
	others  []map[string]*hclsyntax.Attribute // the other .tfvars files, read on demand
	scanned bool
}

// LoadVars parses the var files Terraform reads for a plan: terraform.tfvars
// and *.auto.tfvars in the root module's directory, then varFiles in order
// (relative to the repository root, or absolute). A missing auto-loaded file
// is fine; a missing or malformed explicit file is an error naming it.
func (ix *Index) LoadVars(varFiles []string) (*Vars, error) {
	v := &Vars{ix: ix, assign: map[string]*hclsyntax.Attribute{}, loaded: map[string]bool{}}
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
		v.loaded[f] = true
	}
	return v, nil
}

// Planned records the plan's values of the root variables (see Vars.planned).
func (v *Vars) Planned(p *tfjson.Plan) {
	if v == nil || p == nil || p.Variables == nil {
		return
	}
	v.planned = map[string]any{}
	for name, pv := range p.Variables {
		if pv != nil {
			v.planned[name] = pv.Value
		}
	}
}

// agrees reports whether expr (a tfvars value or a default) can be the
// plan's value of root variable name: true when either is unknown.
func (v *Vars) agrees(name string, expr hclsyntax.Expression) bool {
	if v == nil || v.planned == nil {
		return true
	}
	want, ok := v.planned[name]
	if !ok || len(expr.Variables()) > 0 {
		return true
	}
	val, diags := expr.Value(nil)
	if diags.HasErrors() || !val.IsWhollyKnown() {
		return true
	}
	data, err := ctyjson.Marshal(val, val.Type())
	if err != nil {
		return true
	}
	var got any
	if json.Unmarshal(data, &got) != nil {
		return true
	}
	return looseEqual(got, want)
}

// looseEqual compares a literal with the plan's value after Terraform's
// type conversion: numbers and strings by their text, and an attribute the
// literal leaves out equals the null the conversion adds.
func looseEqual(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return false
		}
		for k, xv := range x {
			if !looseEqual(xv, y[k]) {
				return false
			}
		}
		for k, yv := range y {
			if _, ok := x[k]; !ok && yv != nil {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !looseEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case nil:
		return b == nil
	}
	if b == nil {
		return false
	}
	switch b.(type) {
	case map[string]any, []any:
		return false
	}
	return fmt.Sprint(a) == fmt.Sprint(b)
}

// assignment is the tfvars assignment the plan's value of root variable
// name came from: the loaded files' when it agrees with the plan, else the
// one other .tfvars file under the configuration that does (a file the
// plan used but tfgate was not given). ok is false when none or several do;
// assigned then says whether the value came from outside the defaults (a
// loaded file sets another value, or several other files hold this one):
// the variable's default is then not where it came from either.
func (v *Vars) assignment(name string) (a *hclsyntax.Attribute, ok, assigned bool) {
	if v == nil {
		return nil, false, false
	}
	loaded, isLoaded := v.assign[name]
	if isLoaded && v.agrees(name, loaded.Expr) {
		return loaded, true, true
	}
	if v.planned == nil {
		return nil, false, isLoaded
	}
	if _, ok := v.planned[name]; !ok {
		return nil, false, isLoaded
	}
	v.scan()
	var found *hclsyntax.Attribute
	for _, other := range v.others {
		a, ok := other[name]
		if !ok || !v.agrees(name, a.Expr) {
			continue
		}
		if found != nil {
			return nil, false, true // two files agree: no telling which was used
		}
		found = a
	}
	return found, found != nil, isLoaded
}

// scan reads the .tfvars files under the root module's directory that were
// not loaded (env/prod.tfvars and the like). Unparsable ones are skipped.
func (v *Vars) scan() {
	if v.scanned {
		return
	}
	v.scanned = true
	root, ok := v.ix.modules[""]
	if !ok {
		return
	}
	filepath.WalkDir(root.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if p != root.dir && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".tfvars") || v.loaded[p] {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		f, diags := hclsyntax.ParseConfig(src, p, hcl.InitialPos)
		if diags.HasErrors() {
			return nil
		}
		v.others = append(v.others, f.Body.(*hclsyntax.Body).Attributes)
		return nil
	})
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
	vars.Planned(p)
	for i := range findings {
		f := &findings[i]
		if f.File == "" {
			if file, line, ok := ix.Locate(f.Address, f.Attribute); ok {
				f.File, f.Line = file, line
			}
		}
		if f.VarFile != "" || f.SetAt != nil {
			continue
		}
		set, ok := ix.Chain(f.Address, f.Attribute, vars)
		if !ok {
			// A value written inside an installed module (registry, git)
			// was chosen by calling that module: point at the call, the
			// one place of the repository a reader can change.
			if call, ok := ix.installedCall(f.Address); ok {
				f.SetAt = &result.ValueSource{File: call.File, Line: call.Line, Kind: "module", Via: []result.Hop{call}}
			}
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
