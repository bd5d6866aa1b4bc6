package source

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// maxDiscoverDirs bounds the walk of a repository when looking for the
// configuration: a monorepo with more .tf directories than this is better
// told (--config-dir, or terraform_dir in tfgate.yaml).
const maxDiscoverDirs = 5000

// Discovery is the outcome of Discover: the directory chosen (absolute, ""
// when none fits) and one line saying why.
type Discovery struct {
	Dir    string
	Reason string
}

// Discover finds the directory under root whose .tf files declare the
// plan's root-module resources and module calls (what the plan's
// configuration section lists). The directory declaring the most of them
// wins; ties go to prefer (the conventional directory, e.g. terraform/),
// then to the one declaring the fewest others, then to the shallowest. A
// directory declaring less than half of them is not taken: locations from
// an unrelated configuration would be wrong. cfg is the plan's
// configuration section, addresses its resource changes' addresses.
func Discover(root string, cfg *tfjson.Config, addresses []string, prefer string) Discovery {
	want := rootDeclarations(cfg, addresses)
	if len(want) == 0 {
		return Discovery{Reason: "the plan's root module declares no resources or module calls"}
	}
	type cand struct {
		dir          string
		match, extra int
		depth        int
		preferred    bool
	}
	var cands []cand
	seen := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable corners of a repository do not matter here
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if path != root && (strings.HasPrefix(name, ".") || name == "node_modules") {
			return filepath.SkipDir // .git, .terraform, .tfgate, ...
		}
		if seen++; seen > maxDiscoverDirs {
			return fs.SkipAll
		}
		decl := declarations(path)
		if len(decl) == 0 {
			return nil
		}
		c := cand{dir: path, depth: strings.Count(filepath.ToSlash(path), "/"), preferred: prefer != "" && filepath.Clean(prefer) == path}
		for k := range decl {
			if want[k] {
				c.match++
			} else {
				c.extra++
			}
		}
		if c.match > 0 {
			cands = append(cands, c)
		}
		return nil
	})
	if err != nil {
		return Discovery{Reason: fmt.Sprintf("cannot search %s: %v", root, err)}
	}
	rel := func(d string) string {
		r, err := filepath.Rel(root, d)
		if err != nil {
			return d
		}
		return filepath.ToSlash(r) + "/"
	}
	if len(cands) == 0 {
		return Discovery{Reason: fmt.Sprintf("no directory under %s declares any of the plan's %d root resources and module calls", root, len(want))}
	}
	sort.Slice(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.match != b.match {
			return a.match > b.match
		}
		if a.preferred != b.preferred {
			return a.preferred
		}
		if a.extra != b.extra {
			return a.extra < b.extra
		}
		if a.depth != b.depth {
			return a.depth < b.depth
		}
		return a.dir < b.dir
	})
	best := cands[0]
	if best.match*2 < len(want) {
		return Discovery{Reason: fmt.Sprintf("no directory under %s declares the plan's root module (closest: %s with %d of %d resources and module calls)", root, rel(best.dir), best.match, len(want))}
	}
	why := fmt.Sprintf("declares all the plan's root resources and module calls (%d)", len(want))
	if best.match < len(want) {
		why = fmt.Sprintf("declares %d of the plan's %d root resources and module calls, the most of any directory", best.match, len(want))
	}
	if len(cands) > 1 && cands[1].match == best.match {
		why += fmt.Sprintf("; %s declares them too (pass --config-dir to choose)", rel(cands[1].dir))
	}
	return Discovery{Dir: best.dir, Reason: why}
}

// rootDeclarations is what the plan's root module declares: "type.name",
// "data.type.name" and "module.name". Without a configuration section, or
// with an empty one (hand-made plans), it is taken from the resource
// addresses.
func rootDeclarations(cfg *tfjson.Config, addresses []string) map[string]bool {
	out := map[string]bool{}
	if cfg != nil && cfg.RootModule != nil {
		for _, r := range cfg.RootModule.Resources {
			if r != nil && r.Address != "" {
				out[r.Address] = true
			}
		}
		for name := range cfg.RootModule.ModuleCalls {
			out["module."+name] = true
		}
		if len(out) > 0 {
			return out
		}
	}
	for _, addr := range addresses {
		a, err := ParseAddress(addr)
		if err != nil {
			continue
		}
		if len(a.Modules) > 0 {
			out["module."+a.Modules[0]] = true
		} else {
			out[a.Resource] = true
		}
	}
	return out
}

// declarations lists the resources, data sources and module calls of the
// .tf files in dir. A directory that does not parse declares nothing:
// Terraform could not have planned it.
func declarations(dir string) map[string]bool {
	m, err := parseModule(dir)
	if err != nil {
		return nil
	}
	out := make(map[string]bool, len(m.resources)+len(m.calls))
	for k := range m.resources {
		out[k] = true
	}
	for k := range m.calls {
		out["module."+k] = true
	}
	return out
}
