package input

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"unsafe"

	fjson "github.com/saprism/tfgate/internal/third_party/eopa/json"
)

type converter struct {
	// seen shares the value of a Go map met twice (FromMap: a
	// resources_by_type holding the changes again). Nil in a Builder: its
	// keys would keep every map of the plan alive.
	seen map[unsafe.Pointer]fjson.File
	strs map[string]*fjson.String
	long []string          // converted strings longer than maxShared
	keys map[any]*[]string // key lists of objects, shared by content
	// leaves are small objects of scalars, shared by content: tags and
	// tags_all, after_unknown and the like repeat on every resource.
	leaves map[string]fjson.File
	prune  bool
}

func newConverter(prune bool) *converter {
	return &converter{
		strs:   map[string]*fjson.String{},
		keys:   map[any]*[]string{},
		leaves: map[string]fjson.File{},
		prune:  prune,
	}
}

// change converts one resource change, without UnreadChange when pruning.
func (c *converter) change(e any) (fjson.File, error) {
	rc, ok := e.(map[string]any)
	if !ok {
		return c.value(e)
	}
	props := make(map[string]fjson.File, len(rc))
	for k, f := range rc {
		var v fjson.File
		var err error
		if ch, ok := f.(map[string]any); ok && k == "change" && c.prune {
			v, err = c.object(ch, UnreadChange)
		} else {
			v, err = c.value(f)
		}
		if err != nil {
			return nil, err
		}
		props[c.key(k)] = v
	}
	obj := fjson.NewObjectMapCompact(props, c.keys)
	if c.seen != nil {
		c.seen[reflect.ValueOf(rc).UnsafePointer()] = obj
	}
	return obj, nil
}

func (c *converter) object(m map[string]any, skip map[string]bool) (fjson.File, error) {
	props, err := c.props(m, skip)
	if err != nil {
		return nil, err
	}
	key, ok := leafKey(props)
	if !ok {
		return fjson.NewObjectMapCompact(props, c.keys), nil
	}
	if o, ok := c.leaves[key]; ok {
		return o, nil
	}
	o := fjson.NewObjectMapCompact(props, c.keys)
	c.leaves[key] = o
	return o, nil
}

// maxLeaf is the most members an object shared by content may have.
const maxLeaf = 8

// leafKey identifies a small object of scalars by its content.
func leafKey(props map[string]fjson.File) (string, bool) {
	if len(props) > maxLeaf {
		return "", false
	}
	names := make([]string, 0, len(props))
	for k, v := range props {
		switch v.(type) {
		case *fjson.String, fjson.Float, fjson.Bool, fjson.Null:
		default:
			return "", false
		}
		names = append(names, k)
	}
	slices.Sort(names)
	var b []byte
	for _, k := range names {
		b = strconv.AppendQuote(b, k)
		switch v := props[k].(type) {
		case *fjson.String:
			b = strconv.AppendQuote(append(b, 's'), v.Value())
		case fjson.Float:
			b = append(append(b, 'n'), v.Value()...)
		case fjson.Bool:
			b = strconv.AppendBool(append(b, 'b'), v.Value())
		case fjson.Null:
			b = append(b, 'z')
		}
		b = append(b, ';')
	}
	return string(b), true
}

// props converts m's members but those in skip.
func (c *converter) props(m map[string]any, skip map[string]bool) (map[string]fjson.File, error) {
	props := make(map[string]fjson.File, len(m))
	for k, e := range m {
		if skip[k] {
			continue
		}
		v, err := c.value(e)
		if err != nil {
			return nil, err
		}
		props[c.key(k)] = v
	}
	return props, nil
}

func (c *converter) value(x any) (fjson.File, error) {
	switch x := x.(type) {
	case nil:
		return fjson.NewNull(), nil
	case bool:
		return fjson.NewBool(x), nil
	case string:
		return c.str(x), nil
	case json.Number:
		return fjson.NewFloat(x), nil
	case float64, int, int64:
		return fjson.NewFloat(json.Number(fmt.Sprint(x))), nil
	case map[string]any:
		if c.seen == nil {
			return c.object(x, nil)
		}
		key := reflect.ValueOf(x).UnsafePointer()
		if v, ok := c.seen[key]; ok && key != nil {
			return v, nil
		}
		obj, err := c.object(x, nil)
		if err != nil {
			return nil, err
		}
		c.seen[key] = obj
		return obj, nil
	case []any:
		vals := make([]fjson.File, len(x))
		for i, e := range x {
			v, err := c.value(e)
			if err != nil {
				return nil, err
			}
			vals[i] = v
		}
		return fjson.NewArray(vals, len(vals)), nil
	}
	// Anything else (typed Go values of callers that did not decode JSON)
	// takes the library's reflective path.
	v, err := fjson.New(x)
	if err != nil {
		return nil, err
	}
	f, ok := v.(fjson.File)
	if !ok {
		return nil, fmt.Errorf("policy input: %T has no JSON value", x)
	}
	return f, nil
}

// key is the converter's one copy of an object key.
func (c *converter) key(s string) string { return c.str(s).Value() }

// maxShared: longer strings (policy documents, container definitions) are
// rarely repeated and not worth a table entry.
const maxShared = 128

// str is the converter's one value for s: a plan repeats a few thousand
// strings (attribute names, types, tag values) hundreds of thousands of
// times.
func (c *converter) str(s string) *fjson.String {
	if len(s) > maxShared {
		c.long = append(c.long, s)
		return fjson.NewString(s)
	}
	if v, ok := c.strs[s]; ok {
		return v
	}
	v := fjson.NewString(s)
	c.strs[s] = v
	return v
}
