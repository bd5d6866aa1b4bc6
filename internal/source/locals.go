package source

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	tfjson "github.com/hashicorp/terraform-json"
)

// LocalReferences returns, for every module of the configuration (keyed
// like the plan's module paths without instance keys: "" for the root,
// "module.a.module.b") and every local value, the references its expression
// makes, in Terraform's notation ("aws_vpc.main.id", "var.x",
// "module.net.vpc_id"). The plan JSON carries no locals; the policies use
// this to follow `vpc_id = local.vpc_id` to the resource it names.
func (ix *Index) LocalReferences(p *tfjson.Plan) map[string]map[string][]string {
	ix.FollowPlan(p)
	out := map[string]map[string][]string{}
	for path, m := range ix.modules {
		if len(m.locals) == 0 {
			continue
		}
		refs := map[string][]string{}
		for name, a := range m.locals {
			seen := map[string]bool{}
			var list []string
			for _, tr := range a.Expr.Variables() {
				for _, r := range traversalRefs(tr) {
					if !seen[r] {
						seen[r] = true
						list = append(list, r)
					}
				}
			}
			sort.Strings(list)
			refs[name] = list
		}
		out[path] = refs
	}
	return out
}

// traversalRefs renders a traversal the way the plan's `references` do:
// the full path and its resource prefix (aws_vpc.main.id, aws_vpc.main).
func traversalRefs(tr hcl.Traversal) []string {
	var b strings.Builder
	var out []string
	for i, step := range tr {
		switch s := step.(type) {
		case hcl.TraverseRoot:
			b.WriteString(s.Name)
		case hcl.TraverseAttr:
			b.WriteString("." + s.Name)
		case hcl.TraverseIndex:
			if s.Key.Type().FriendlyName() == "string" {
				fmt.Fprintf(&b, "[%q]", s.Key.AsString())
			} else if s.Key.Type().FriendlyName() == "number" {
				fmt.Fprintf(&b, "[%s]", s.Key.AsBigFloat().Text('f', -1))
			}
		default:
			continue
		}
		if i == 1 {
			out = append(out, b.String())
		}
	}
	if full := b.String(); len(out) == 0 || out[0] != full {
		out = append(out, full)
	}
	return out
}
