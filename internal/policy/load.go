package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/saprism/tfgate/policies"
)

// libPackage matches the library's helper package: a policy dir that has
// its own copy replaces the built-in library instead of adding to it (so
// `tfgate policy test policies/` tests the working tree, and a config
// pointing policy_dirs at the repo's policies/ does not load it twice).
var libPackage = regexp.MustCompile(`(?m)^package\s+tfgate\.lib\s*$`)

// assemble returns the policy sources: the embedded library (unless
// noEmbedded, or a dir carries its own tfgate.lib) followed by the dirs.
func assemble(dirs []string, noEmbedded bool) ([]source, error) {
	var extra []source
	for _, d := range dirs {
		s, err := dirSources(d)
		if err != nil {
			return nil, err
		}
		extra = append(extra, s...)
	}
	for _, s := range extra {
		if libPackage.Match(s.text) {
			noEmbedded = true
		}
	}
	if noEmbedded {
		return extra, nil
	}
	emb, err := embeddedSources()
	if err != nil {
		return nil, err
	}
	return append(emb, extra...), nil
}

// source is one Rego file of the policy set.
type source struct {
	name string // "policies/aws/rds.rego" for embedded files, the path otherwise
	text []byte
}

func isTest(name string) bool { return strings.HasSuffix(name, "_test.rego") }

// embeddedSources are the library's files, named as in the repository so
// errors and coverage point at the real file.
func embeddedSources() ([]source, error) {
	var out []source
	err := fs.WalkDir(policies.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rego") {
			return err
		}
		b, err := fs.ReadFile(policies.FS, p)
		if err != nil {
			return err
		}
		out = append(out, source{name: "policies/" + p, text: b})
		return nil
	})
	return out, err
}

// dirSources are the .rego files under dir (a file is accepted too).
func dirSources(dir string) ([]source, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("policy dir: %w", err)
	}
	if !info.IsDir() {
		b, err := os.ReadFile(dir)
		if err != nil {
			return nil, err
		}
		return []source{{name: dir, text: b}}, nil
	}
	var out []source
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != dir && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".rego") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out = append(out, source{name: p, text: b})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("policy dir %s: %w", dir, err)
	}
	return out, nil
}

// parse parses Rego v1 modules with their METADATA annotations.
func parse(srcs []source) (map[string]*ast.Module, error) {
	mods := make(map[string]*ast.Module, len(srcs))
	var errs ast.Errors
	for _, s := range srcs {
		if _, dup := mods[s.name]; dup {
			return nil, fmt.Errorf("%s: loaded twice", s.name)
		}
		m, err := ast.ParseModuleWithOpts(s.name, string(s.text), ast.ParserOptions{
			ProcessAnnotation: true,
			RegoVersion:       ast.RegoV1,
		})
		if err != nil {
			if e, ok := err.(ast.Errors); ok {
				errs = append(errs, e...)
				continue
			}
			return nil, fmt.Errorf("%s: %w", s.name, err)
		}
		if m == nil {
			return nil, fmt.Errorf("%s: empty module", s.name)
		}
		mods[s.name] = m
	}
	if len(errs) > 0 {
		return nil, astErrors(errs)
	}
	return mods, nil
}

// astErrors formats compile errors as "file:line: message", one per line.
func astErrors(errs ast.Errors) error {
	lines := make([]string, 0, len(errs))
	for _, e := range errs {
		if e.Location != nil {
			lines = append(lines, fmt.Sprintf("%s:%d: %s", e.Location.File, e.Location.Row, e.Message))
		} else {
			lines = append(lines, e.Message)
		}
	}
	return fmt.Errorf("policy compile error: %s", strings.Join(lines, "; "))
}

// hashSources is a stable digest of the policy set (names and contents).
func hashSources(srcs []source) string {
	sorted := append([]source(nil), srcs...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].name < sorted[j].name })
	h := sha256.New()
	for _, s := range sorted {
		fmt.Fprintf(h, "%s\x00%d\x00", s.name, len(s.text))
		h.Write(s.text)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// HasLibrary reports whether dir holds its own copy of the built-in library
// (package tfgate.lib), i.e. loading it replaces the embedded policies.
func HasLibrary(dir string) bool {
	srcs, err := dirSources(dir)
	if err != nil {
		return false
	}
	for _, s := range srcs {
		if libPackage.Match(s.text) {
			return true
		}
	}
	return false
}
