package input

import (
	fjson "github.com/saprism/tfgate/internal/third_party/eopa/json"
)

// Builder converts a plan's policy input while the plan is read: each
// resource change as it is decoded (the caller then drops its Go map),
// and the other top-level members. It adds resources_by_type: the changes
// again, grouped by resource type, sharing their values.
type Builder struct {
	c       *converter
	changes []fjson.File // nil: no resource_changes member
	byType  map[string][]int
	members map[string]fjson.File
}

// NewBuilder returns a Builder; with prune it leaves the Unread parts out.
func NewBuilder(prune bool) *Builder {
	return &Builder{c: newConverter(prune), byType: map[string][]int{}, members: map[string]fjson.File{}}
}

// StartChanges starts resource_changes (again: as in a JSON decode, a
// repeated key replaces the earlier value).
func (b *Builder) StartChanges() {
	b.changes = []fjson.File{}
	b.byType = map[string][]int{}
}

// Change adds a resource change to resource_changes and, when it has a
// type (ok), to resources_by_type[typ].
func (b *Builder) Change(rc map[string]any, typ string, ok bool) error {
	v, err := b.c.change(rc)
	if err != nil {
		return err
	}
	if ok {
		b.byType[typ] = append(b.byType[typ], len(b.changes))
	}
	b.changes = append(b.changes, v)
	return nil
}

// Member adds a top-level member other than resource_changes; an Unread
// one is dropped when pruning.
func (b *Builder) Member(k string, v any) error {
	if b.c.prune && UnreadTop[k] {
		delete(b.members, k)
		return nil
	}
	f, err := b.c.value(v)
	if err != nil {
		return err
	}
	b.members[b.c.key(k)] = f
	return nil
}

// Scrub rewrites with f every string value given so far. A plan's
// sensitive values are only all known once it has been read (a root
// variable is sensitive by its declaration in configuration, near the
// end), and one can appear unmarked in an attribute read earlier (a
// literal, a JSON-encoded policy). Strings are shared, so the check is one
// pass over the distinct strings; only when one of them changes is the
// value converted again, from Go values (rare: marked values were already
// replaced).
func (b *Builder) Scrub(f func(string) string) error {
	if !b.touches(f) {
		return nil
	}
	c := newConverter(b.c.prune)
	for i, v := range b.changes {
		x, err := c.value(ScrubStrings(v.(fjson.Json).JSON(), f))
		if err != nil {
			return err
		}
		b.changes[i] = x
	}
	for k, v := range b.members {
		x, err := c.value(ScrubStrings(v.(fjson.Json).JSON(), f))
		if err != nil {
			return err
		}
		b.members[k] = x
	}
	b.c = c
	return nil
}

// touches reports whether f changes any string converted so far.
func (b *Builder) touches(f func(string) string) bool {
	for s := range b.c.strs {
		if f(s) != s {
			return true
		}
	}
	for _, s := range b.c.long {
		if f(s) != s {
			return true
		}
	}
	return false
}

// Value is the input built so far.
func (b *Builder) Value() *Value {
	members := make(map[string]fjson.File, len(b.members)+2)
	for k, v := range b.members {
		members[k] = v
	}
	if b.changes != nil {
		members[b.c.key("resource_changes")] = fjson.NewArray(b.changes, len(b.changes))
	}
	byType := make(map[string]fjson.File, len(b.byType))
	for t, idx := range b.byType {
		list := make([]fjson.File, len(idx))
		for i, j := range idx {
			list[i] = b.changes[j]
		}
		byType[b.c.key(t)] = fjson.NewArray(list, len(list))
	}
	members[b.c.key("resources_by_type")] = fjson.NewObjectMapCompact(byType, b.c.keys)
	return &Value{members: members, Pruned: b.c.prune}
}

// ScrubStrings rewrites every string value (not key) in v with f, in place
// for maps and slices.
func ScrubStrings(v any, f func(string) string) any {
	switch x := v.(type) {
	case string:
		return f(x)
	case map[string]any:
		for k, e := range x {
			x[k] = ScrubStrings(e, f)
		}
	case []any:
		for i, e := range x {
			x[i] = ScrubStrings(e, f)
		}
	}
	return v
}
