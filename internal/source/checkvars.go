package source

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// CheckVars checks the var files a plan will read against the root
// module's variable declarations before Terraform runs: a syntax error, a
// value for a variable the configuration does not declare (Terraform only
// warns, but in an environment's var file it is a typo that silently leaves
// the default in force) and a value that does not convert to the declared
// type are errors naming the file and line. Values that are not constant
// (function calls) are left to Terraform.
func (ix *Index) CheckVars(varFiles []string) error {
	root, ok := ix.modules[""]
	if !ok {
		return nil
	}
	for _, f := range varFiles {
		if strings.HasSuffix(f, ".json") {
			continue
		}
		p := ix.varFilePath(f)
		src, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("var file %s: %w", f, err)
		}
		file, diags := hclsyntax.ParseConfig(src, ix.rel(p), hcl.InitialPos)
		if diags.HasErrors() {
			return oneDiag(diags)
		}
		body := file.Body.(*hclsyntax.Body)
		if len(body.Blocks) > 0 {
			b := body.Blocks[0]
			return fmt.Errorf("%s:%d: blocks are not allowed in a var file", ix.rel(p), b.TypeRange.Start.Line)
		}
		names := make([]string, 0, len(body.Attributes))
		for n := range body.Attributes {
			names = append(names, n)
		}
		sort.Slice(names, func(i, j int) bool {
			return body.Attributes[names[i]].SrcRange.Start.Line < body.Attributes[names[j]].SrcRange.Start.Line
		})
		for _, name := range names {
			a := body.Attributes[name]
			at := fmt.Sprintf("%s:%d", ix.rel(p), a.SrcRange.Start.Line)
			decl, ok := root.variables[name]
			if !ok {
				return fmt.Errorf("%s: variable %q is not declared in %s (a typo? Terraform would ignore it)", at, name, ix.rel(root.dir))
			}
			te, ok := decl.Body.Attributes["type"]
			if !ok {
				continue
			}
			ty, _, diags := typeexpr.TypeConstraintWithDefaults(te.Expr)
			if diags.HasErrors() {
				continue // Terraform reports a broken type constraint itself
			}
			val, diags := a.Expr.Value(nil)
			if diags.HasErrors() || !val.IsWhollyKnown() {
				continue
			}
			if _, err := convert.Convert(val, ty); err != nil {
				return fmt.Errorf("%s: variable %q: %s", at, name, typeError(err, ty))
			}
		}
	}
	return nil
}

func typeError(err error, ty cty.Type) string {
	if pe, ok := err.(cty.PathError); ok && len(pe.Path) > 0 {
		return fmt.Sprintf("wrong type at %s: %v (declared %s)", pathString(pe.Path), pe.Error(), typeexpr.TypeString(ty))
	}
	return fmt.Sprintf("wrong type: %v (declared %s)", err, typeexpr.TypeString(ty))
}

func pathString(p cty.Path) string {
	var b strings.Builder
	for _, s := range p {
		switch s := s.(type) {
		case cty.GetAttrStep:
			b.WriteString("." + s.Name)
		case cty.IndexStep:
			if s.Key.Type() == cty.String {
				b.WriteString(fmt.Sprintf("[%q]", s.Key.AsString()))
			} else if s.Key.Type() == cty.Number {
				b.WriteString("[" + s.Key.AsBigFloat().String() + "]")
			}
		}
	}
	return strings.TrimPrefix(b.String(), ".")
}

// oneDiag is the first error diagnostic as "file:line: summary: detail".
func oneDiag(diags hcl.Diagnostics) error {
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		msg = strings.Join(strings.Fields(msg), " ")
		if d.Subject != nil {
			return fmt.Errorf("%s:%d: %s", d.Subject.Filename, d.Subject.Start.Line, msg)
		}
		return fmt.Errorf("%s", msg)
	}
	return diags
}
