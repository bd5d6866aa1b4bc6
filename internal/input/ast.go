package input

import (
	"reflect"
	"unsafe"

	"github.com/open-policy-agent/opa/v1/ast"

	fjson "github.com/saprism/tfgate/internal/third_party/eopa/json"
)

// AST is the input as an OPA value, for OPA's evaluator (policy_evaluator:
// topdown, and the VM's fallback). It keeps the value's sharing: a value
// met twice (resources_by_type holds every change again; equal small
// objects are one value) becomes one term, and equal strings one term.
// The value's own AST() converts every occurrence again: a 10k-resource
// topdown check peaked at 249 MiB with it, 187 MiB when the input was
// converted with sharing.
func (v *Value) AST() ast.Value {
	c := astConverter{seen: map[unsafe.Pointer]*ast.Term{}, strs: map[string]*ast.Term{}}
	kvs := make([][2]*ast.Term, 0, len(v.members))
	for k, f := range v.members {
		kvs = append(kvs, [2]*ast.Term{c.str(k), c.term(f)})
	}
	return ast.NewObject(kvs...)
}

type astConverter struct {
	seen map[unsafe.Pointer]*ast.Term
	strs map[string]*ast.Term
}

func (c *astConverter) term(f fjson.File) *ast.Term {
	switch x := f.(type) {
	case *fjson.String:
		return c.str(x.Value())
	case fjson.Bool:
		return ast.InternedTerm(x.Value())
	case fjson.Null:
		return ast.InternedNullTerm
	case fjson.Float:
		return ast.NumberTerm(x.Value())
	}
	var key unsafe.Pointer
	if rv := reflect.ValueOf(f); rv.Kind() == reflect.Pointer {
		key = rv.UnsafePointer()
		if t, ok := c.seen[key]; ok {
			return t
		}
	}
	var t *ast.Term
	switch x := f.(type) {
	case fjson.Object:
		names := x.Names()
		kvs := make([][2]*ast.Term, len(names))
		for i, n := range names {
			kvs[i] = [2]*ast.Term{c.str(n), c.term(x.Value(n))}
		}
		t = ast.ObjectTerm(kvs...)
	case fjson.Array:
		elems := make([]*ast.Term, x.Len())
		for i := range elems {
			elems[i] = c.term(x.Value(i))
		}
		t = ast.ArrayTerm(elems...)
	default:
		// Values the converters never build (binary snapshots).
		t = ast.NewTerm(f.(fjson.Json).AST())
	}
	if key != nil {
		c.seen[key] = t
	}
	return t
}

func (c *astConverter) str(s string) *ast.Term {
	if t, ok := c.strs[s]; ok {
		return t
	}
	t := ast.StringTerm(s)
	c.strs[s] = t
	return t
}
