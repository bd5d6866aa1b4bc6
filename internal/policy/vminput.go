package policy

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"unsafe"

	fjson "github.com/saprism/tfgate/internal/third_party/eopa/json"
)

// vmInput converts a policy input to the VM's value, as convertInput does
// for OPA's: a Go map met twice becomes one shared value (resources_by_type
// holds every resource change again), equal strings share one value,
// objects with the same keys share one key list, with prune the unread
// parts are left out, and the resource changes are converted in GOMAXPROCS
// chunks at once. The VM only reads its input, so sharing is safe.
func vmInput(input map[string]any, prune bool) (fjson.Json, error) {
	c := newJSONConverter(prune)
	// The resource changes first: resources_by_type then shares them.
	var rcs fjson.File
	if x, ok := input["resource_changes"]; ok {
		var err error
		if rcs, err = c.changes(x); err != nil {
			return nil, err
		}
	}
	props, err := c.props(input, topSkip(prune))
	if err != nil {
		return nil, err
	}
	if rcs != nil {
		props[c.key("resource_changes")] = rcs
	}
	return fjson.NewObjectMapCompact(props, c.keys), nil
}

type jsonConverter struct {
	seen  map[unsafe.Pointer]fjson.File
	strs  map[string]*fjson.String
	keys  map[any]*[]string // key lists of objects, shared by content
	prune bool
}

func newJSONConverter(prune bool) *jsonConverter {
	return &jsonConverter{
		seen:  map[unsafe.Pointer]fjson.File{},
		strs:  map[string]*fjson.String{},
		keys:  map[any]*[]string{},
		prune: prune,
	}
}

// changes converts resource_changes (each change without unreadChange when
// pruning) in GOMAXPROCS chunks at once.
func (c *jsonConverter) changes(x any) (fjson.File, error) {
	rcs, ok := x.([]any)
	if !ok {
		return c.value(x)
	}
	vals := make([]fjson.File, len(rcs))
	parts, err := inChunks(len(rcs), func() *jsonConverter { return newJSONConverter(c.prune) }, func(p *jsonConverter, lo, hi int) error {
		return p.changeRange(rcs[lo:hi], vals[lo:hi])
	})
	if err != nil {
		return nil, err
	}
	for _, p := range parts {
		maps.Copy(c.seen, p.seen)
	}
	return fjson.NewArray(vals, len(vals)), nil
}

func (c *jsonConverter) changeRange(rcs []any, vals []fjson.File) error {
	for i, e := range rcs {
		rc, ok := e.(map[string]any)
		if !ok {
			v, err := c.value(e)
			if err != nil {
				return err
			}
			vals[i] = v
			continue
		}
		props := make(map[string]fjson.File, len(rc))
		for k, f := range rc {
			var v fjson.File
			var err error
			if ch, ok := f.(map[string]any); ok && k == "change" && c.prune {
				v, err = c.object(ch, unreadChange)
			} else {
				v, err = c.value(f)
			}
			if err != nil {
				return err
			}
			props[c.key(k)] = v
		}
		obj := fjson.NewObjectMapCompact(props, c.keys)
		c.seen[reflect.ValueOf(rc).UnsafePointer()] = obj
		vals[i] = obj
	}
	return nil
}

func (c *jsonConverter) object(m map[string]any, skip map[string]bool) (fjson.File, error) {
	props, err := c.props(m, skip)
	if err != nil {
		return nil, err
	}
	return fjson.NewObjectMapCompact(props, c.keys), nil
}

// props converts m's members but those in skip.
func (c *jsonConverter) props(m map[string]any, skip map[string]bool) (map[string]fjson.File, error) {
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

func (c *jsonConverter) value(x any) (fjson.File, error) {
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
func (c *jsonConverter) key(s string) string { return c.str(s).Value() }

// str is the converter's one value for s (see converter.str).
func (c *jsonConverter) str(s string) *fjson.String {
	if len(s) > maxShared {
		return fjson.NewString(s)
	}
	if v, ok := c.strs[s]; ok {
		return v
	}
	v := fjson.NewString(s)
	c.strs[s] = v
	return v
}
