package plan

import (
	"fmt"
	"strings"
)

// validActions are the action lists Terraform writes in a plan's
// resource_changes (terraform's jsonplan actionToJSON). Anything else is a
// hand-edited or foreign document: the gate must not guess what it means.
var validActions = map[string]bool{
	"no-op": true, "create": true, "read": true, "update": true, "delete": true, "forget": true,
	"delete,create": true, "create,delete": true,
	// Terraform >= 1.9: a replaced object whose removed block says
	// destroy = false.
	"create,forget": true,
}

// validator rejects resource_changes Terraform would never write, so a
// plan that is not what it claims fails closed instead of passing rules that
// never saw its resources. Each error names the entry (address, or index when
// the address itself is missing) and what is wrong.
// It checks them one at a time, in order (the plan is read as a stream),
// remembering the addresses seen.
type validator struct {
	seen map[changeKey]int
}

// changeKey: a deposed object (create_before_destroy interrupted) shares
// the address of the current one; the pair is what must be unique.
type changeKey struct{ address, deposed string }

func newValidator() *validator { return &validator{seen: map[changeKey]int{}} }

// check validates resource_changes[i].
func (vd *validator) check(i int, v any) error {
	where := fmt.Sprintf("resource_changes[%d]", i)
	rc, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("%s: is %s, not a resource change object", where, kind(v))
	}
	addr, ok := rc["address"].(string)
	if !ok || strings.TrimSpace(addr) == "" {
		return fmt.Errorf("%s: no address", where)
	}
	where = where + " (" + addr + ")"
	if t, ok := rc["type"].(string); !ok || strings.TrimSpace(t) == "" {
		return fmt.Errorf("%s: no type", where)
	}
	if m, ok := rc["mode"]; ok && m != "managed" && m != "data" {
		return fmt.Errorf("%s: mode %s is neither \"managed\" nor \"data\"", where, describe(m))
	}
	// What Terraform writes as strings is one (source mapping and the
	// rules read them).
	for _, f := range []string{"previous_address", "module_address", "name", "provider_name", "deposed", "action_reason"} {
		switch v := rc[f].(type) {
		case nil, string:
		default:
			return fmt.Errorf("%s: %s is %s, not a string", where, f, kind(v))
		}
	}
	dep, _ := rc["deposed"].(string)
	k := changeKey{addr, dep}
	if j, dup := vd.seen[k]; dup {
		return fmt.Errorf("%s: duplicate address (also resource_changes[%d])", where, j)
	}
	vd.seen[k] = i
	ch, ok := rc["change"].(map[string]any)
	if !ok {
		return fmt.Errorf("%s: change is %s, not an object", where, describe(rc["change"]))
	}
	if err := validateActions(ch["actions"]); err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	for _, f := range []string{"before", "after"} {
		switch v := ch[f].(type) {
		case nil, map[string]any:
		default:
			return fmt.Errorf("%s: change.%s is %s, not an object or null", where, f, kind(v))
		}
	}
	return nil
}

func validateActions(v any) error {
	as, ok := v.([]any)
	if !ok {
		return fmt.Errorf("change.actions is %s, not a list", describe(v))
	}
	if len(as) == 0 {
		return fmt.Errorf("change.actions is empty")
	}
	names := make([]string, len(as))
	for i, a := range as {
		s, ok := a.(string)
		if !ok {
			return fmt.Errorf("change.actions[%d] is %s, not a string", i, kind(a))
		}
		names[i] = s
	}
	if !validActions[strings.Join(names, ",")] {
		return fmt.Errorf("change.actions %q is not an action list Terraform writes", names)
	}
	return nil
}

// describe is kind for a value that may be absent.
func describe(v any) string {
	if v == nil {
		return "missing or null"
	}
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return kind(v)
}
