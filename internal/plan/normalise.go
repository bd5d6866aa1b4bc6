package plan

import "github.com/saprism/tfgate/internal/result"

// Actions as classified in the policy input ("action" of a resource change).
const (
	ActionCreate  = "create"
	ActionUpdate  = "update"
	ActionDelete  = "delete"
	ActionReplace = "replace"
	ActionNoOp    = "no-op"
	ActionRead    = "read"
	// ActionForget is Terraform's `removed { lifecycle { destroy = false } }`:
	// the object leaves state but is not destroyed.
	ActionForget = "forget"
)

// Classify maps Terraform's action list to one action. Replace is
// delete+create in either order (create_before_destroy or not).
func Classify(actions []string) string {
	switch len(actions) {
	case 1:
		switch a := actions[0]; a {
		case ActionCreate, ActionUpdate, ActionDelete, ActionNoOp, ActionRead, ActionForget:
			return a
		}
	case 2:
		if (actions[0] == "delete" && actions[1] == "create") || (actions[0] == "create" && actions[1] == "delete") {
			return ActionReplace
		}
	}
	// Unknown combinations are not silently treated as harmless.
	return "unknown"
}

// normalise adds "action" to every resource change, builds
// "resources_by_type", and returns the change summary. It runs once per plan.
func normalise(obj map[string]any) result.PlanSummary {
	var s result.PlanSummary
	byType := map[string]any{}
	rcs, _ := obj["resource_changes"].([]any)
	for _, v := range rcs {
		rc, ok := v.(map[string]any)
		if !ok {
			continue
		}
		var actions []string
		if ch, ok := rc["change"].(map[string]any); ok {
			as, _ := ch["actions"].([]any)
			for _, a := range as {
				if s, ok := a.(string); ok {
					actions = append(actions, s)
				}
			}
		}
		act := Classify(actions)
		rc["action"] = act
		if t, ok := rc["type"].(string); ok {
			list, _ := byType[t].([]any)
			byType[t] = append(list, rc)
		}
		if mode, _ := rc["mode"].(string); mode == "data" {
			continue
		}
		addr, _ := rc["address"].(string)
		switch act {
		case ActionCreate:
			s.Add++
		case ActionUpdate:
			s.Change++
		case ActionDelete:
			s.Destroy++
			s.Destroys = append(s.Destroys, addr)
		case ActionReplace:
			// Counted like Terraform's "N to add, M to destroy" line.
			s.Replace++
			s.Add++
			s.Destroy++
			s.Destroys = append(s.Destroys, addr)
		}
	}
	obj["resources_by_type"] = byType
	return s
}
