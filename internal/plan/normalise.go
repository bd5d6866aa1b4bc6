package plan

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
