package source

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Address is a parsed resource instance address.
type Address struct {
	Modules  []string // module call names, outermost first (instance keys dropped)
	Resource string   // "type.name" or "data.type.name"
}

// ParseAddress parses a Terraform resource instance address such as
// `module.x["a"].module.y[0].aws_s3_bucket.this["k.with.dots"]`. Instance
// keys are dropped: every instance of a block shares its source position.
func ParseAddress(addr string) (Address, error) {
	parts, err := splitAddress(addr)
	if err != nil {
		return Address{}, err
	}
	var a Address
	i := 0
	for i+1 < len(parts) && parts[i] == "module" {
		a.Modules = append(a.Modules, parts[i+1])
		i += 2
	}
	rest := parts[i:]
	switch {
	case len(rest) == 2 && rest[0] != "data":
		a.Resource = rest[0] + "." + rest[1]
	case len(rest) == 3 && rest[0] == "data":
		a.Resource = "data." + rest[1] + "." + rest[2]
	default:
		return Address{}, fmt.Errorf("not a resource address: %q", addr)
	}
	return a, nil
}

// splitAddress splits on dots outside [...] and quotes, dropping the
// bracketed instance keys.
func splitAddress(addr string) ([]string, error) {
	var parts []string
	var cur strings.Builder
	depth, inQuote := 0, false
	for i := 0; i < len(addr); i++ {
		c := addr[i]
		switch {
		case inQuote:
			if c == '\\' {
				i++
			} else if c == '"' {
				inQuote = false
			}
		case c == '"':
			if depth == 0 {
				return nil, fmt.Errorf("unexpected quote in address %q", addr)
			}
			inQuote = true
		case c == '[':
			depth++
		case c == ']':
			if depth == 0 {
				return nil, fmt.Errorf("unbalanced ] in address %q", addr)
			}
			depth--
		case depth > 0:
		case c == '.':
			if cur.Len() == 0 {
				return nil, fmt.Errorf("empty segment in address %q", addr)
			}
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	if depth != 0 || inQuote {
		return nil, fmt.Errorf("unterminated instance key in address %q", addr)
	}
	if cur.Len() == 0 {
		return nil, fmt.Errorf("empty segment in address %q", addr)
	}
	return append(parts, cur.String()), nil
}

// Locate returns the file (relative to the repository root) and line of the
// resource block at address. With an attribute path ("multi_az",
// "encryption_configuration.encryption_type", "default_action[0].redirect.protocol")
// it returns the line of that attribute when the block sets it, else the
// line of the deepest nested block found, else the resource block's line.
func (ix *Index) Locate(address, attribute string) (file string, line int, ok bool) {
	_, rng, ok := ix.find(address, attribute)
	if !ok {
		return "", 0, false
	}
	return ix.rel(rng.Filename), rng.Start.Line, true
}

// find returns the module key and the range of the best match.
func (ix *Index) find(address, attribute string) (string, hcl.Range, bool) {
	a, err := ParseAddress(address)
	if err != nil {
		return "", hcl.Range{}, false
	}
	key := ""
	for _, m := range a.Modules {
		key = joinModule(key, m)
	}
	m, ok := ix.modules[key]
	if !ok {
		return "", hcl.Range{}, false
	}
	b, ok := m.resources[a.Resource]
	if !ok {
		return "", hcl.Range{}, false
	}
	rng, _ := locateIn(b, attributePath(attribute))
	return key, rng, true
}

// attributePath splits `a.b[0].c`, `a.0.b` or `tags["Cost.Center"]` into
// segments; a numeric segment selects the n-th nested block of the preceding
// type. Quoted keys may contain dots.
func attributePath(attr string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for i := 0; i < len(attr); i++ {
		switch c := attr[i]; c {
		case '.', '[', ']', ' ':
			flush()
		case '"':
			flush()
			j := i + 1
			for j < len(attr) && attr[j] != '"' {
				if attr[j] == '\\' && j+1 < len(attr) {
					j++
				}
				cur.WriteByte(attr[j])
				j++
			}
			flush()
			i = j
		default:
			cur.WriteByte(c)
		}
	}
	flush()
	return out
}

// locateIn walks path through nested blocks (including `dynamic "x"
// { content { ... } }`) and object-valued attributes. It returns the best
// range found and the expression set at the end of the path, if any.
func locateIn(b *hclsyntax.Block, path []string) (hcl.Range, hclsyntax.Expression) {
	best := b.DefRange()
	body := b.Body
	for i := 0; i < len(path); i++ {
		seg := path[i]
		if a, ok := body.Attributes[seg]; ok {
			return attributeRange(a.SrcRange, a.Expr, path[i+1:])
		}
		blocks := nestedBlocks(body, seg)
		if len(blocks) == 0 {
			return best, nil
		}
		n := 0
		if i+1 < len(path) {
			if k, err := strconv.Atoi(path[i+1]); err == nil {
				i++
				if k < 0 || k >= len(blocks) {
					return best, nil
				}
				n = k
			}
		}
		best = blocks[n].DefRange()
		body = blocks[n].Body
	}
	return best, nil
}

// nestedBlocks returns the blocks of type name in body, with dynamic blocks
// of that name standing in for their content block.
func nestedBlocks(body *hclsyntax.Body, name string) []*hclsyntax.Block {
	var out []*hclsyntax.Block
	for _, nb := range body.Blocks {
		switch {
		case nb.Type == name:
			out = append(out, nb)
		case nb.Type == "dynamic" && len(nb.Labels) == 1 && nb.Labels[0] == name:
			for _, c := range nb.Body.Blocks {
				if c.Type == "content" {
					out = append(out, c)
				}
			}
		}
	}
	return out
}

// attributeRange descends into object constructors (`tags = { Env = ... }`)
// and tuples for the remaining path. It returns the deepest item's range, and
// its expression when the whole path was found (nil otherwise).
func attributeRange(best hcl.Range, expr hclsyntax.Expression, rest []string) (hcl.Range, hclsyntax.Expression) {
	for _, seg := range rest {
		switch e := expr.(type) {
		case *hclsyntax.ObjectConsExpr:
			found := false
			for _, item := range e.Items {
				if objectKey(item.KeyExpr) == seg {
					best = hcl.RangeBetween(item.KeyExpr.Range(), item.ValueExpr.Range())
					expr = item.ValueExpr
					found = true
					break
				}
			}
			if !found {
				return best, nil
			}
		case *hclsyntax.TupleConsExpr:
			k, err := strconv.Atoi(seg)
			if err != nil || k < 0 || k >= len(e.Exprs) {
				return best, nil
			}
			best = e.Exprs[k].Range()
			expr = e.Exprs[k]
		default:
			return best, nil
		}
	}
	return best, expr
}

func objectKey(e hclsyntax.Expression) string {
	if k, ok := e.(*hclsyntax.ObjectConsKeyExpr); ok {
		if name := hcl.ExprAsKeyword(k.Wrapped); name != "" {
			return name
		}
		e = k.Wrapped
	}
	if tpl, ok := e.(*hclsyntax.TemplateExpr); ok && len(tpl.Parts) == 1 {
		if lit, ok := tpl.Parts[0].(*hclsyntax.LiteralValueExpr); ok && !lit.Val.IsNull() && lit.Val.Type() == cty.String {
			return lit.Val.AsString()
		}
	}
	return ""
}

// instance is one module or resource step of an address, with its
// instance key when it has one.
type instance struct {
	name string  // module call name, or the resource "type.name"
	key  *string // for_each key or count index, unquoted
	addr string  // the address up to and including this step
}

// parseInstances splits an address into its module instances (outermost
// first) and the resource instance.
func parseInstances(addr string) ([]instance, instance, bool) {
	a, err := ParseAddress(addr)
	if err != nil {
		return nil, instance{}, false
	}
	var mods []instance
	rest := addr
	prefix := ""
	for range a.Modules {
		rest = strings.TrimPrefix(rest, "module.")
		name, key, tail, ok := cutStep(rest)
		if !ok {
			return nil, instance{}, false
		}
		prefix += "module." + rest[:len(rest)-len(tail)]
		mods = append(mods, instance{name: name, key: key, addr: prefix})
		prefix += "."
		rest = strings.TrimPrefix(tail, ".")
	}
	// The resource: "type.name[key]" or "data.type.name[key]".
	res := instance{name: a.Resource, addr: addr}
	if i := strings.IndexByte(rest, '['); i >= 0 {
		k, ok := unquoteKey(strings.TrimSuffix(rest[i+1:], "]"))
		if !ok {
			return nil, instance{}, false
		}
		res.key = &k
	}
	return mods, res, true
}

// cutStep splits `name["k"].rest` into name, key and ".rest".
func cutStep(s string) (string, *string, string, bool) {
	i := strings.IndexAny(s, ".[")
	if i < 0 {
		return s, nil, "", true
	}
	if s[i] == '.' {
		return s[:i], nil, s[i:], true
	}
	// Find the closing bracket outside quotes.
	inQuote := false
	for j := i + 1; j < len(s); j++ {
		switch {
		case inQuote && s[j] == '\\':
			j++
		case s[j] == '"':
			inQuote = !inQuote
		case !inQuote && s[j] == ']':
			k, ok := unquoteKey(s[i+1 : j])
			if !ok {
				return "", nil, "", false
			}
			return s[:i], &k, s[j+1:], true
		}
	}
	return "", nil, "", false
}

func unquoteKey(k string) (string, bool) {
	if strings.HasPrefix(k, `"`) {
		u, err := strconv.Unquote(k)
		return u, err == nil
	}
	return k, k != ""
}
