// Package input is the policy input as the evaluator's value: EOPA's
// compact JSON value, which the VM reads as it is and OPA's evaluator reads
// after AST(). A Builder converts a plan member by member while it is read
// (package plan streams it), so the whole plan never exists as Go maps: on
// a 10k-resource plan those were 34 MB against the value's 7.
package input

import (
	"bytes"
	"maps"
	"unsafe"

	fjson "github.com/saprism/tfgate/internal/third_party/eopa/json"
)

// Unread are the parts of a plan the embedded library never reads: the
// state sections and each change's "before" side. For a plan of updates
// they are half its size, so leaving them out halves the value's memory
// and conversion. (opa and conftest convert their input lazily, on first
// access, for the same reason.) The policy engine decides whether its
// policies may be given a pruned value (policy.Prunes).
var (
	UnreadTop    = map[string]bool{"prior_state": true, "planned_values": true, "resource_drift": true, "output_changes": true, "relevant_attributes": true}
	UnreadChange = map[string]bool{"before": true, "before_sensitive": true}
)

// Value is a policy input: its top-level members, converted.
type Value struct {
	members map[string]fjson.File
	// Pruned: the Unread parts are left out.
	Pruned bool
}

// JSON is the whole input value.
func (v *Value) JSON() fjson.Json {
	// A key table of its own: Values are read concurrently.
	return fjson.NewObjectMapCompact(v.members, map[any]*[]string{}).(fjson.Json)
}

// With returns v with the top-level members of extra added (converted);
// v itself is unchanged (the gate adds its "tfgate" section per run).
func (v *Value) With(extra map[string]any) (*Value, error) {
	c := newConverter(false)
	out := &Value{members: maps.Clone(v.members), Pruned: v.Pruned}
	for k, x := range extra {
		f, err := c.value(x)
		if err != nil {
			return nil, err
		}
		out.members[c.key(k)] = f
	}
	return out, nil
}

// Go is the value as Go values (map[string]any, []any, string,
// json.Number, bool, nil), as a JSON decode with UseNumber gives them: for
// tests and callers that walk the input.
func (v *Value) Go() map[string]any {
	return v.JSON().JSON().(map[string]any)
}

// FromMap converts a policy input given as Go values (a decoded JSON
// document, a test's input), without the Unread parts when prune. A Go
// map met twice becomes one shared value, as do equal strings and the key
// lists of objects with the same keys. (A plan read by package plan is
// converted by a Builder instead, as it is read.)
func FromMap(input map[string]any, prune bool) (*Value, error) {
	c := newConverter(prune)
	c.seen = map[unsafe.Pointer]fjson.File{}
	members := make(map[string]fjson.File, len(input))
	// The resource changes first (each without UnreadChange when
	// pruning): a resources_by_type holding the same maps then shares them.
	if rcs, ok := input["resource_changes"].([]any); ok {
		vals := make([]fjson.File, len(rcs))
		for i, rc := range rcs {
			var err error
			if vals[i], err = c.change(rc); err != nil {
				return nil, err
			}
		}
		members[c.key("resource_changes")] = fjson.NewArray(vals, len(vals))
	}
	for k, x := range input {
		if _, done := members[k]; done || prune && UnreadTop[k] {
			continue
		}
		f, err := c.value(x)
		if err != nil {
			return nil, err
		}
		members[c.key(k)] = f
	}
	return &Value{members: members, Pruned: prune}, nil
}

// MarshalJSON encodes the whole value (a Value has no exported content
// for encoding/json to find).
func (v *Value) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	if _, err := v.JSON().WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
