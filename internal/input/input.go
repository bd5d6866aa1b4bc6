// Package input is the policy input as the evaluator's value: EOPA's
// compact JSON value, which the VM reads as it is and OPA's evaluator reads
// after AST(). A Builder converts a plan member by member while it is read
// (package plan streams it), so the whole plan never exists as Go maps: on
// a 10k-resource plan those were 34 MB against the value's 7.
package input

import (
	"bytes"
	"maps"
	"runtime"
	"sync"

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
// document), without the Unread parts when prune. A Go map met twice
// becomes one shared value, as do equal strings and the key lists of
// objects with the same keys; the resource changes are converted in
// GOMAXPROCS chunks at once. The evaluators only read the value, so
// sharing is safe.
func FromMap(input map[string]any, prune bool) (*Value, error) {
	c := newSharingConverter(prune)
	// The resource changes first: a resources_by_type holding the same
	// maps then shares them.
	var rcs fjson.File
	if x, ok := input["resource_changes"]; ok {
		var err error
		if rcs, err = c.changes(x); err != nil {
			return nil, err
		}
	}
	props, err := c.props(input, TopSkip(prune))
	if err != nil {
		return nil, err
	}
	if rcs != nil {
		props[c.key("resource_changes")] = rcs
	}
	return &Value{members: props, Pruned: prune}, nil
}

// TopSkip is what conversion leaves out of the top level: the resource
// changes (converted first, in chunks) and, when pruning, the unread
// sections.
func TopSkip(prune bool) map[string]bool {
	if prune {
		return skipChangesAndUnread
	}
	return skipChanges
}

var (
	skipChanges          = map[string]bool{"resource_changes": true}
	skipChangesAndUnread = func() map[string]bool {
		m := map[string]bool{"resource_changes": true}
		maps.Copy(m, UnreadTop)
		return m
	}()
)

// minChunk is the fewest items worth a goroutine of their own.
const minChunk = 256

// InChunks runs convert on n items in GOMAXPROCS chunks at once (fewer
// when n is small: minChunk items at least), each chunk with a part (a
// converter) of its own, and returns the parts in chunk order. The last
// chunk runs on the calling goroutine.
func InChunks[P any](n int, newPart func() P, convert func(part P, lo, hi int) error) ([]P, error) {
	k := max(1, min(runtime.GOMAXPROCS(0), n/minChunk))
	parts := make([]P, k)
	errs := make([]error, k)
	var wg sync.WaitGroup
	for g := range k {
		parts[g] = newPart()
		lo, hi := g*n/k, (g+1)*n/k
		if g == k-1 {
			errs[g] = convert(parts[g], lo, hi)
			continue
		}
		wg.Go(func() { errs[g] = convert(parts[g], lo, hi) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return parts, nil
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
