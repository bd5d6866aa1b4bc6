// Package source maps plan findings back to the Terraform configuration: a
// resource address (with module path and count/for_each index) to the file
// and line of its block, an attribute name to the attribute's own line, and
// the attribute's value back to where it was chosen — through module
// arguments (local modules, and registry or git modules installed by
// terraform init), locals, for_each/count entries, root variables and their
// tfvars line. Plans carry no source positions, so this is done by parsing
// the configuration with hcl/v2. Discover finds the configuration a plan was
// made from when nobody says.
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

// maxModuleDepth bounds module recursion: a module tree deeper than this is
// almost certainly a source cycle (./a calls ../a).
const maxModuleDepth = 16

// Index is the parsed configuration: one entry per module instance path
// (without instance keys), each with its resources, variables, locals and
// module calls.
type Index struct {
	root    string             // absolute repository root
	modules map[string]*module // key: "" for root, "module.a.module.b" otherwise
	// installed maps a module key ("a.b", as in modules.json) to the
	// directory `terraform init` installed it in.
	installed map[string]string
	warnings  []string
}

type module struct {
	dir       string // absolute directory
	resources map[string]*hclsyntax.Block
	variables map[string]*hclsyntax.Block
	locals    map[string]*hclsyntax.Attribute
	calls     map[string]*hclsyntax.Block
	files     []string // absolute paths of the .tf files parsed, sorted
}

// Load parses the root module in repoRoot/tfDir and every module it calls,
// recursively: local paths, and registry or git modules through
// .terraform/modules/modules.json next to the root module (as `terraform
// init` writes it). A syntax error in the root module is an error naming the
// file and line; a module that is missing or does not parse costs only its
// own locations and is named in Warnings.
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
	ix.installed = readManifest(dir)
	if err := ix.load("", dir, 0); err != nil {
		return nil, err
	}
	return ix, nil
}

// Warnings are the modules that could not be read, one line each.
func (ix *Index) Warnings() []string { return append([]string(nil), ix.warnings...) }

func (ix *Index) load(path, dir string, depth int) error {
	if depth > maxModuleDepth {
		return fmt.Errorf("%s: module nesting deeper than %d (a module source cycle?)", ix.rel(dir), maxModuleDepth)
	}
	m, err := parseModule(dir)
	if err != nil {
		if path == "" {
			return err
		}
		ix.warnings = append(ix.warnings, fmt.Sprintf("%s: %v; findings inside it have no file:line", path, err))
		return nil
	}
	ix.modules[path] = m
	names := make([]string, 0, len(m.calls))
	for n := range m.calls {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		child := joinModule(path, name)
		src, _ := literalString(m.calls[name].Body.Attributes["source"])
		childDir, why := ix.moduleDir(child, dir, src)
		if childDir == "" {
			ix.warnings = append(ix.warnings, fmt.Sprintf("%s (source %q): %s; findings inside it have no file:line", child, src, why))
			continue
		}
		if err := ix.load(child, childDir, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// moduleDir is where the module call key's source lives: the directory
// terraform init recorded for it, else a local path next to the caller.
// It returns "" and the reason when neither exists.
func (ix *Index) moduleDir(key, callerDir, src string) (string, string) {
	if d, ok := ix.installed[manifestKey(key)]; ok && isDir(d) {
		return d, ""
	}
	if isLocalSource(src) {
		d := filepath.Join(callerDir, filepath.FromSlash(src))
		if isDir(d) {
			return d, ""
		}
		return "", fmt.Sprintf("directory %s not found", ix.rel(d))
	}
	root := ix.root
	if m, ok := ix.modules[""]; ok {
		root = m.dir
	}
	in := ix.rel(root) + "/"
	if in == "./" || in == "" {
		in = "./"
	}
	if len(ix.installed) == 0 {
		return "", fmt.Sprintf("not installed (no %s; run terraform init in %s)", ix.rel(filepath.Join(root, manifestPath)), in)
	}
	return "", fmt.Sprintf("not installed (not in %s; run terraform init in %s)", ix.rel(filepath.Join(root, manifestPath)), in)
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

// installedCall is the call of the outermost module on address's path that
// terraform init installed (under .terraform/), when the resource lives in
// one: the module call block's line in its caller.
func (ix *Index) installedCall(address string) (result.Hop, bool) {
	mods, _, ok := parseInstances(address)
	if !ok {
		return result.Hop{}, false
	}
	key := ""
	for _, m := range mods {
		parent := key
		key = joinModule(key, m.name)
		mod, pm := ix.modules[key], ix.modules[parent]
		if mod == nil || pm == nil || pm.calls[m.name] == nil {
			return result.Hop{}, false
		}
		if rel := ix.rel(mod.dir); strings.HasPrefix(rel, ".terraform/") || strings.Contains(rel, "/.terraform/") {
			b := pm.calls[m.name]
			return result.Hop{Module: m.addr, File: ix.rel(b.DefRange().Filename), Line: b.DefRange().Start.Line}, true
		}
	}
	return result.Hop{}, false
}

// RootFile is the root module's main.tf, else its first .tf file, relative
// to the repository root ("" when it has none): a place to put results that
// have no location of their own.
func (ix *Index) RootFile() string {
	m, ok := ix.modules[""]
	if !ok || len(m.files) == 0 {
		return ""
	}
	for _, f := range m.files {
		if filepath.Base(f) == "main.tf" {
			return ix.rel(f)
		}
	}
	return ix.rel(m.files[0])
}
