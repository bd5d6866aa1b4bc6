package source

import (
	"math/big"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// documentAttributes are the JSON policy arguments whose jsonencode(...)
// object the policies may need when the planned string is unknown.
var documentAttributes = map[string]bool{"policy": true, "assume_role_policy": true}

// JSONDocuments evaluates, for every resource of the configuration, the
// object inside `policy = jsonencode({...})` with every reference (var,
// local, resource, each, count) unknown: the statements are written in the
// configuration even when the ARNs in them are only known after apply.
// Keyed like LocalReferences: module path -> resource address in the
// module -> attribute -> the document as JSON-like Go values, where a value
// known only after apply is nil. Expressions that cannot be evaluated
// (unsupported functions, for expressions over unknown collections) are
// left out: the policies then report "unknown until apply".
func (ix *Index) JSONDocuments(p *tfjson.Plan) map[string]map[string]map[string]any {
	ix.FollowPlan(p)
	out := map[string]map[string]map[string]any{}
	for path, m := range ix.modules {
		for addr, b := range m.resources {
			for name, a := range b.Body.Attributes {
				if !documentAttributes[name] {
					continue
				}
				doc, ok := jsonencodeArgument(a.Expr)
				if !ok {
					continue
				}
				if out[path] == nil {
					out[path] = map[string]map[string]any{}
				}
				if out[path][addr] == nil {
					out[path][addr] = map[string]any{}
				}
				out[path][addr][name] = doc
			}
		}
	}
	return out
}

// documentFunctions are the pure functions a policy document commonly uses.
var documentFunctions = map[string]function.Function{
	"concat": stdlib.ConcatFunc, "format": stdlib.FormatFunc, "join": stdlib.JoinFunc,
	"lower": stdlib.LowerFunc, "upper": stdlib.UpperFunc, "merge": stdlib.MergeFunc,
	"flatten": stdlib.FlattenFunc, "distinct": stdlib.DistinctFunc, "tolist": stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
	"toset": stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)), "jsonencode": stdlib.JSONEncodeFunc,
}

func jsonencodeArgument(e hclsyntax.Expression) (any, bool) {
	call, ok := e.(*hclsyntax.FunctionCallExpr)
	if !ok || call.Name != "jsonencode" || len(call.Args) != 1 {
		return nil, false
	}
	arg := call.Args[0]
	vars := map[string]cty.Value{}
	for _, tr := range arg.Variables() {
		vars[tr.RootName()] = cty.DynamicVal
	}
	v, diags := arg.Value(&hcl.EvalContext{Variables: vars, Functions: documentFunctions})
	if diags.HasErrors() || !v.IsKnown() {
		return nil, false
	}
	return goValue(v), true
}

// goValue converts a cty value to JSON-like Go values; unknown and null
// become nil.
func goValue(v cty.Value) any {
	if !v.IsKnown() || v.IsNull() {
		return nil
	}
	t := v.Type()
	switch {
	case t == cty.String:
		return v.AsString()
	case t == cty.Bool:
		return v.True()
	case t == cty.Number:
		f, _ := v.AsBigFloat().Float64()
		if v.AsBigFloat().IsInt() {
			i, _ := v.AsBigFloat().Int(new(big.Int))
			return i.Int64()
		}
		return f
	case t.IsObjectType() || t.IsMapType():
		m := map[string]any{}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			m[k.AsString()] = goValue(e)
		}
		return m
	case t.IsTupleType() || t.IsListType() || t.IsSetType():
		l := []any{}
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			l = append(l, goValue(e))
		}
		return l
	}
	return nil
}
