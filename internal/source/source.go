// Package source maps plan findings back to the Terraform configuration: a
// resource address (with module path and count/for_each index) to the file
// and line of its block, an attribute name to the attribute's own line, and a
// variable-driven value to the tfvars line that set it. Plans carry no source
// positions, so this is done by parsing the configuration with hcl/v2.
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
)

// maxModuleDepth bounds module recursion: a module tree deeper than this is
// almost certainly a source cycle (./a calls ../a).
const maxModuleDepth = 16

// Index is the parsed configuration: one entry per module instance path
// (without instance keys), each with its resources, variables, locals and
// module calls.
type Index struct {
	root    string             // absolute repository root
	modules map[string]*module // key: "" for root, "module.a.module.b" otherwise
}

type module struct {
	dir       string // absolute directory
	resources map[string]*hclsyntax.Block
	variables map[string]*hclsyntax.Block
	locals    map[string]*hclsyntax.Attribute
	calls     map[string]*hclsyntax.Block
	files     []string // absolute paths of the .tf files parsed, sorted
}

// Load parses the root module in repoRoot/tfDir and every local module it
// calls (source "./..." or "../..."), recursively. A syntax error is an error
// naming the file and line.
func Load(repoRoot, tfDir string) (*Index, error) {
	abs, err := filepath.Abs(repoRoot)
	if err != nil {
		return nil, err
	}
	ix := &Index{root: abs, modules: map[string]*module{}}
	dir := tfDir
	if !filepath.IsAbs(dir) {
		// tfDir is relative to the repository root; callers that already
		// joined it with a relative root (e.g. "../repo/terraform") mean it
		// relative to the working directory.
		dir = filepath.Join(abs, tfDir)
		if _, err := os.Stat(dir); err != nil {
			if alt, err2 := filepath.Abs(tfDir); err2 == nil && isDir(alt) {
				dir = alt
			}
		}
	}
	if err := ix.load("", dir, 0); err != nil {
		return nil, err
	}
	return ix, nil
}

func (ix *Index) load(path, dir string, depth int) error {
	if depth > maxModuleDepth {
		return fmt.Errorf("%s: module nesting deeper than %d (a module source cycle?)", ix.rel(dir), maxModuleDepth)
	}
	m, err := parseModule(dir)
	if err != nil {
		return err
	}
	ix.modules[path] = m
	names := make([]string, 0, len(m.calls))
	for n := range m.calls {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		src, ok := literalString(m.calls[name].Body.Attributes["source"])
		if !ok || !isLocalSource(src) {
			continue // registry and remote modules are not in this repository
		}
		sub := filepath.Join(dir, filepath.FromSlash(src))
		if !isDir(sub) {
			r := m.calls[name].DefRange()
			return fmt.Errorf("%s:%d: module %q: source %q is not a directory", ix.rel(r.Filename), r.Start.Line, name, src)
		}
		if err := ix.load(joinModule(path, name), sub, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// FollowPlan loads local modules named in the plan's configuration section
// that the HCL walk did not reach (for instance when the index was built from
// a directory other than the one the plan was made in). Missing directories
// are skipped: the plan may come from another repository.
func (ix *Index) FollowPlan(p *tfjson.Plan) {
	if p == nil || p.Config == nil || p.Config.RootModule == nil {
		return
	}
	root, ok := ix.modules[""]
	if !ok {
		return
	}
	ix.followCalls("", root.dir, p.Config.RootModule, 0)
}

func (ix *Index) followCalls(path, dir string, cm *tfjson.ConfigModule, depth int) {
	if cm == nil || depth > maxModuleDepth {
		return
	}
	for name, call := range cm.ModuleCalls {
		if call == nil || !isLocalSource(call.Source) {
			continue
		}
		child := joinModule(path, name)
		childDir := filepath.Join(dir, filepath.FromSlash(call.Source))
		if _, ok := ix.modules[child]; !ok {
			if st, err := os.Stat(childDir); err != nil || !st.IsDir() {
				continue
			}
			if err := ix.load(child, childDir, depth+1); err != nil {
				continue
			}
		}
		ix.followCalls(child, childDir, call.Module, depth+1)
	}
}

func parseModule(dir string) (*module, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("terraform configuration: %w", err)
	}
	m := &module{
		dir:       dir,
		resources: map[string]*hclsyntax.Block{},
		variables: map[string]*hclsyntax.Block{},
		locals:    map[string]*hclsyntax.Attribute{},
		calls:     map[string]*hclsyntax.Block{},
	}
	for _, e := range entries {
		// .tf.json files have no hclsyntax positions for nested values; they
		// are rare in hand-written stacks and are skipped.
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".tf") {
			continue
		}
		p := filepath.Join(dir, e.Name())
		src, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		f, diags := hclsyntax.ParseConfig(src, p, hcl.InitialPos)
		if diags.HasErrors() {
			return nil, fmt.Errorf("parse %s", diags.Error())
		}
		m.files = append(m.files, p)
		body := f.Body.(*hclsyntax.Body)
		for _, b := range body.Blocks {
			switch {
			case b.Type == "resource" && len(b.Labels) == 2:
				m.resources[b.Labels[0]+"."+b.Labels[1]] = b
			case b.Type == "data" && len(b.Labels) == 2:
				m.resources["data."+b.Labels[0]+"."+b.Labels[1]] = b
			case b.Type == "variable" && len(b.Labels) == 1:
				m.variables[b.Labels[0]] = b
			case b.Type == "module" && len(b.Labels) == 1:
				m.calls[b.Labels[0]] = b
			case b.Type == "locals":
				for name, a := range b.Body.Attributes {
					m.locals[name] = a
				}
			}
		}
	}
	sort.Strings(m.files)
	return m, nil
}

func isLocalSource(s string) bool {
	return strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../")
}

func joinModule(parent, name string) string {
	if parent == "" {
		return "module." + name
	}
	return parent + ".module." + name
}

func literalString(a *hclsyntax.Attribute) (string, bool) {
	if a == nil {
		return "", false
	}
	tpl, ok := a.Expr.(*hclsyntax.TemplateExpr)
	if !ok || len(tpl.Parts) != 1 {
		return "", false
	}
	lit, ok := tpl.Parts[0].(*hclsyntax.LiteralValueExpr)
	if !ok || !lit.Val.Type().Equals(cty.String) || lit.Val.IsNull() {
		return "", false
	}
	return lit.Val.AsString(), true
}

// rel makes an absolute path relative to the repository root, with forward
// slashes (SARIF URIs and GitHub annotations want those).
func (ix *Index) rel(p string) string {
	r, err := filepath.Rel(ix.root, p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(r)
}

// Files lists the parsed .tf files, relative to the repository root.
func (ix *Index) Files() []string {
	var out []string
	for _, m := range ix.modules {
		for _, f := range m.files {
			out = append(out, ix.rel(f))
		}
	}
	sort.Strings(out)
	return out
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
