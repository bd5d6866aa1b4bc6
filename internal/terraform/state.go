package terraform

import (
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/saprism/tfgate/internal/config"
)

// HasResources reports whether the state file at path holds any resource
// (a missing or unreadable file holds none).
func HasResources(path string) bool {
	data, err := os.ReadFile(path)
	if err != nil || len(data) == 0 {
		return false
	}
	var st struct {
		Resources []json.RawMessage `json:"resources"`
	}
	return json.Unmarshal(data, &st) == nil && len(st.Resources) > 0
}

// LocalStatesWithResources lists the local-mode state files under root,
// other than except, that still hold resources: while one does, the shared
// emulator must keep running.
func LocalStatesWithResources(root, except string) []string {
	states, _ := filepath.Glob(filepath.Join(root, config.StateRoot, "*", "local", "terraform.tfstate"))
	var out []string
	for _, st := range states {
		if st != except && HasResources(st) {
			out = append(out, st)
		}
	}
	return out
}
