package source

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/saprism/tfgate/internal/result"
)

// The value chain: from the expression a resource sets for an attribute
// back to the place the value was chosen — through locals, module inputs
// (the calling module's argument, up to the root), root variables (the
// tfvars line or the default), and for_each/count instances (the entry of
// the literal map or list the instance was made from). This is a small
// symbolic walk over the HCL, not an evaluation: it follows one value and
// gives up when an expression mixes several.

// seg is one step of a path into a value: an object key or list index, or
// (byValue) the element of a set equal to key.
type seg struct {
	key     string
	byValue bool
}

func segsOf(keys []string) []seg {
	out := make([]seg, len(keys))
	for i, k := range keys {
		out[i] = seg{key: k}
	}
	return out
}

// frame is where an expression is read: a module (with the instance
// address of each module level) and the for_each/count instance of the
// block the expression belongs to.
type frame struct {
	key   string     // module key without instance keys
	insts []instance // each module level's instance, outermost first
	// The instance of the enclosing block: its for_each expression and key,
	// or its count index.
	forEach  hclsyntax.Expression
	eachKey  *string
	countIdx *string
}

// unbound is the frame without instance: for locals and for the for_each
// expression itself.
func (f frame) unbound() frame {
	f.forEach, f.eachKey, f.countIdx = nil, nil, nil
	return f
}

// end is where a value was found.
type end struct {
	rng  hcl.Range
	lit  hclsyntax.Expression // the literal expression found
	kind string               // "" while still in the resource's own expression
	hops []result.Hop
	// missing: the path named a member the literal does not have (an
	// optional attribute left out); the end is the literal that lacks it.
	missing bool
}

type chain struct {
	ix    *Index
	vars  *Vars
	depth int
}

const maxChain = 64

// follow returns the place the value at path inside e is set.
func (c *chain) follow(f frame, e hclsyntax.Expression, path []seg, kind string) (*end, bool) {
	c.depth++
	defer func() { c.depth-- }()
	if c.depth > maxChain || e == nil {
		return nil, false
	}
	at := func(lit hclsyntax.Expression, r hcl.Range) (*end, bool) {
		return &end{rng: r, lit: lit, kind: kind}, true
	}
	switch x := e.(type) {
	case *hclsyntax.ParenthesesExpr:
		return c.follow(f, x.Expression, path, kind)
	case *hclsyntax.TemplateWrapExpr:
		return c.follow(f, x.Wrapped, path, kind)
	case *hclsyntax.ScopeTraversalExpr:
		return c.traversal(f, x.Traversal, path, kind)
	case *hclsyntax.RelativeTraversalExpr:
		return c.follow(f, x.Source, append(segsOf(traversalPath(x.Traversal)), path...), kind)
	case *hclsyntax.IndexExpr:
		k, ok := c.key(f, x.Key)
		if !ok {
			return nil, false
		}
		return c.follow(f, x.Collection, append([]seg{{key: k}}, path...), kind)
	case *hclsyntax.ObjectConsExpr:
		if len(path) == 0 {
			return at(x, x.Range())
		}
		for _, item := range x.Items {
			if objectKey(item.KeyExpr) == path[0].key {
				if r, ok := c.follow(f, item.ValueExpr, path[1:], kind); ok {
					return r, true
				}
				// The entry is literal but its member is not: the entry.
				return at(item.ValueExpr, hcl.RangeBetween(item.KeyExpr.Range(), item.ValueExpr.Range()))
			}
		}
		// An optional attribute left out: the object that left it out.
		r, _ := at(x, x.Range())
		r.missing = true
		return r, true
	case *hclsyntax.TupleConsExpr:
		if len(path) == 0 {
			return at(x, x.Range())
		}
		i := -1
		if n, err := strconv.Atoi(path[0].key); err == nil && !path[0].byValue {
			i = n
		} else {
			for j, el := range x.Exprs {
				if s, ok := literalValueString(el); ok && s == path[0].key {
					i = j
					break
				}
			}
		}
		if i < 0 || i >= len(x.Exprs) {
			r, _ := at(x, x.Range())
			r.missing = true
			return r, true
		}
		if r, ok := c.follow(f, x.Exprs[i], path[1:], kind); ok {
			return r, true
		}
		return at(x.Exprs[i], x.Exprs[i].Range())
	case *hclsyntax.LiteralValueExpr:
		return at(x, x.Range())
	case *hclsyntax.TemplateExpr:
		if len(refs(x)) == 0 {
			return at(x, x.Range())
		}
	case *hclsyntax.FunctionCallExpr:
		if r, ok, handled := c.function(f, x, path, kind); handled {
			return r, ok
		}
	case *hclsyntax.ForExpr:
		if r, ok, handled := c.forExpr(f, x, path, kind); handled {
			return r, ok
		}
	}
	return c.derived(f, e, kind)
}

// derived follows a value computed from exactly one other value
// (`!var.public`, `var.env == "production"`, `split(",", var.cidrs)`): the
// place that one is set. Several inputs: no single place.
func (c *chain) derived(f frame, e hclsyntax.Expression, kind string) (*end, bool) {
	var with []hclsyntax.Expression
	switch x := e.(type) {
	case *hclsyntax.UnaryOpExpr:
		with = []hclsyntax.Expression{x.Val}
	case *hclsyntax.BinaryOpExpr:
		with = []hclsyntax.Expression{x.LHS, x.RHS}
	case *hclsyntax.FunctionCallExpr:
		with = x.Args
	case *hclsyntax.TemplateExpr:
		with = x.Parts
	}
	var only hclsyntax.Expression
	n := 0
	for _, a := range with {
		if len(refs(a)) > 0 {
			only = a
			n++
		}
	}
	if n == 1 {
		return c.follow(f, only, nil, kind)
	}
	if r := refs(e); len(r) == 1 {
		return c.traversal(f, r[0], nil, kind)
	}
	return nil, false
}

// refs are the distinct references to values an expression reads (var,
// local, each.value/each.key); resource attributes and count.index are not
// places a value is chosen.
func refs(e hclsyntax.Expression) []hcl.Traversal {
	var out []hcl.Traversal
	seen := map[string]bool{}
	for _, t := range e.Variables() {
		switch t.RootName() {
		case "var", "local", "each":
		default:
			continue
		}
		id := traversalString(t)
		if !seen[id] {
			seen[id] = true
			out = append(out, t)
		}
	}
	return out
}

func traversalString(t hcl.Traversal) string {
	var b strings.Builder
	b.WriteString(t.RootName())
	for _, s := range t[1:] {
		switch s := s.(type) {
		case hcl.TraverseAttr:
			b.WriteString("." + s.Name)
		case hcl.TraverseIndex:
			b.WriteString("[" + s.Key.GoString() + "]")
		default:
			b.WriteString("[*]")
		}
	}
	return b.String()
}

// traversal follows var.x..., local.x..., each.value.../each.key.
func (c *chain) traversal(f frame, t hcl.Traversal, path []seg, kind string) (*end, bool) {
	if len(t) < 2 {
		return nil, false
	}
	attr, ok := t[1].(hcl.TraverseAttr)
	if !ok {
		return nil, false
	}
	rest := append(segsOf(traversalPath(t[2:])), path...)
	switch t.RootName() {
	case "var":
		return c.variable(f, attr.Name, rest)
	case "local":
		m := c.ix.modules[f.key]
		if m == nil || m.locals[attr.Name] == nil {
			return nil, false
		}
		return c.follow(f.unbound(), m.locals[attr.Name].Expr, rest, "local")
	case "each":
		if f.forEach == nil || f.eachKey == nil {
			return nil, false
		}
		switch attr.Name {
		case "value":
			return c.follow(f.unbound(), f.forEach, append([]seg{{key: *f.eachKey}}, rest...), "entry")
		case "key":
			return c.follow(f.unbound(), f.forEach, []seg{{key: *f.eachKey}}, "entry")
		}
	}
	return nil, false
}

// variable follows an input variable: in the root module to the tfvars
// assignment, else to the calling module's argument; a variable nobody
// sets ends at its default.
func (c *chain) variable(f frame, name string, path []seg) (*end, bool) {
	m := c.ix.modules[f.key]
	if m == nil {
		return nil, false
	}
	if f.key == "" {
		a, ok, assigned := c.vars.assignment(name)
		if ok {
			return c.follow(frame{}, a.Expr, path, "tfvars")
		}
		if assigned {
			return nil, false // -var, TF_VAR_, or one of several var files
		}
		if d := m.variables[name]; d != nil && d.Body.Attributes["default"] != nil && !c.vars.agrees(name, d.Body.Attributes["default"].Expr) {
			return nil, false // set outside any file: -var or TF_VAR_
		}
		return c.byDefault(f, m, name, path)
	}
	parent, call := splitModule(f.key)
	pm := c.ix.modules[parent]
	if pm == nil || pm.calls[call] == nil || len(f.insts) == 0 {
		return nil, false
	}
	block := pm.calls[call]
	inst := f.insts[len(f.insts)-1]
	arg, ok := block.Body.Attributes[name]
	if !ok {
		// The module's default: the hop is the call that leaves the input
		// unset, where an argument would go.
		r, ok := c.byDefault(f, m, name, path)
		if ok {
			r.hops = append(r.hops, result.Hop{Module: inst.addr, File: c.ix.rel(block.DefRange().Filename), Line: block.DefRange().Start.Line})
		}
		return r, ok
	}
	pf := frame{key: parent, insts: f.insts[:len(f.insts)-1]}
	bind(&pf, block, inst.key)
	r, ok := c.follow(pf, arg.Expr, path, "argument")
	if !ok {
		return nil, false
	}
	r.hops = append(r.hops, result.Hop{Module: inst.addr, File: c.ix.rel(arg.SrcRange.Filename), Line: arg.SrcRange.Start.Line})
	return r, true
}

func (c *chain) byDefault(f frame, m *module, name string, path []seg) (*end, bool) {
	v := m.variables[name]
	if v == nil {
		return nil, false
	}
	d, ok := v.Body.Attributes["default"]
	if !ok {
		return nil, false
	}
	return c.follow(f.unbound(), d.Expr, path, "default")
}

// key evaluates an index: a literal, count.index or each.key.
func (c *chain) key(f frame, e hclsyntax.Expression) (string, bool) {
	if s, ok := literalValueString(e); ok {
		return s, true
	}
	st, ok := e.(*hclsyntax.ScopeTraversalExpr)
	if !ok {
		return "", false
	}
	switch traversalString(st.Traversal) {
	case "count.index":
		if f.countIdx != nil {
			return *f.countIdx, true
		}
	case "each.key":
		if f.eachKey != nil {
			return *f.eachKey, true
		}
	}
	return "", false
}

// function follows the functions that pass a value through or pick one
// member of it. handled=false leaves the call to derived.
func (c *chain) function(f frame, x *hclsyntax.FunctionCallExpr, path []seg, kind string) (*end, bool, bool) {
	args := x.Args
	switch x.Name {
	case "tolist", "tomap", "tostring", "tobool", "tonumber", "sensitive", "nonsensitive":
		if len(args) == 1 {
			r, ok := c.follow(f, args[0], path, kind)
			return r, ok, true
		}
	case "toset":
		if len(args) == 1 {
			p := append([]seg(nil), path...)
			if len(p) > 0 {
				p[0].byValue = true
			}
			r, ok := c.follow(f, args[0], p, kind)
			return r, ok, true
		}
	case "lookup":
		if len(args) < 2 {
			return nil, false, true
		}
		k, ok := c.key(f, args[1])
		if !ok {
			return nil, false, false
		}
		if r, ok := c.follow(f, args[0], append([]seg{{key: k}}, path...), kind); ok && !r.missing {
			return r, true, true
		}
		if len(args) == 3 {
			r, ok := c.follow(f, args[2], path, kind)
			return r, ok, true
		}
		return nil, false, true
	case "try":
		// try(x.a, default): the first one that resolves is the one
		// Terraform used when x.a exists.
		for _, a := range args {
			if r, ok := c.follow(f, a, path, kind); ok && !r.missing {
				return r, true, true
			}
		}
		return nil, false, true
	}
	return nil, false, false
}

// forExpr follows one entry of `{ for k, v in COLL : KEY => v... }` (the
// usual way modules key a for_each): the element of the literal collection
// whose KEY is path[0].
func (c *chain) forExpr(f frame, x *hclsyntax.ForExpr, path []seg, kind string) (*end, bool, bool) {
	if x.KeyExpr == nil || len(path) == 0 || x.CondExpr != nil || x.Group {
		return nil, false, false
	}
	coll, cf, ok := c.literal(f, x.CollExpr, nil)
	if !ok {
		return nil, false, false
	}
	var elems []hclsyntax.Expression
	var keys []cty.Value
	switch cx := coll.(type) {
	case *hclsyntax.TupleConsExpr:
		for i, el := range cx.Exprs {
			elems = append(elems, el)
			keys = append(keys, cty.NumberIntVal(int64(i)))
		}
	case *hclsyntax.ObjectConsExpr:
		for _, it := range cx.Items {
			elems = append(elems, it.ValueExpr)
			keys = append(keys, cty.StringVal(objectKey(it.KeyExpr)))
		}
	default:
		return nil, false, false
	}
	for i, el := range elems {
		if len(el.Variables()) > 0 {
			continue
		}
		v, diags := el.Value(nil)
		if diags.HasErrors() {
			continue
		}
		vars := map[string]cty.Value{x.ValVar: v}
		if x.KeyVar != "" {
			vars[x.KeyVar] = keys[i]
		}
		k, diags := x.KeyExpr.Value(&hcl.EvalContext{Variables: vars})
		if diags.HasErrors() || !k.IsKnown() || k.IsNull() || k.Type() != cty.String || k.AsString() != path[0].key {
			continue
		}
		// The value part: the element itself or a member of it.
		val, ok := x.ValExpr.(*hclsyntax.ScopeTraversalExpr)
		if !ok || val.Traversal.RootName() != x.ValVar {
			r, ok := c.follow(cf, el, nil, kind)
			return r, ok, true
		}
		r, ok := c.follow(cf, el, append(segsOf(traversalPath(val.Traversal[1:])), path[1:]...), kind)
		return r, ok, true
	}
	return nil, false, false
}

// literal returns the literal expression a value comes from (following
// variables, locals and arguments) and the frame it is read in.
func (c *chain) literal(f frame, e hclsyntax.Expression, path []seg) (hclsyntax.Expression, frame, bool) {
	r, ok := c.follow(f, e, path, "")
	if !ok {
		return nil, f, false
	}
	if r.lit == nil {
		return nil, f, false
	}
	return r.lit, frame{}, true
}

// bind sets the frame's instance from a block's for_each or count and the
// instance key taken from an address ("" when the block has neither).
func bind(f *frame, b *hclsyntax.Block, key *string) {
	if b == nil || key == nil {
		return
	}
	if fe, ok := b.Body.Attributes["for_each"]; ok {
		f.forEach, f.eachKey = fe.Expr, key
	} else if _, ok := b.Body.Attributes["count"]; ok {
		f.countIdx = key
	}
}

// literalValueString is the string form of a literal string or number.
func literalValueString(e hclsyntax.Expression) (string, bool) {
	switch x := e.(type) {
	case *hclsyntax.TemplateExpr:
		if len(x.Parts) == 1 {
			return literalValueString(x.Parts[0])
		}
	case *hclsyntax.LiteralValueExpr:
		v := x.Val
		switch {
		case v.IsNull() || !v.IsKnown():
		case v.Type() == cty.String:
			return v.AsString(), true
		case v.Type() == cty.Number:
			return v.AsBigFloat().Text('f', -1), true
		case v.Type() == cty.Bool:
			return fmt.Sprint(v.True()), true
		}
	}
	return "", false
}
