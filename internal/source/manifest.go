package source

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
)

// manifestPath is where `terraform init` records the modules it installed,
// relative to the root module's directory.
var manifestPath = filepath.Join(".terraform", "modules", "modules.json")

// readManifest returns modules.json's entries as module key ("a.b") →
// absolute directory. A missing or unreadable manifest is an empty map: the
// modules it would name are then reported missing one by one.
func readManifest(rootDir string) map[string]string {
	out := map[string]string{}
	data, err := os.ReadFile(filepath.Join(rootDir, manifestPath))
	if err != nil {
		return out
	}
	var doc struct {
		Modules []struct {
			Key string `json:"Key"`
			Dir string `json:"Dir"`
		} `json:"Modules"`
	}
	if json.Unmarshal(data, &doc) != nil {
		return out
	}
	for _, m := range doc.Modules {
		if m.Key == "" || m.Dir == "" {
			continue
		}
		d := filepath.FromSlash(m.Dir)
		if !filepath.IsAbs(d) {
			d = filepath.Join(rootDir, d)
		}
		out[m.Key] = filepath.Clean(d)
	}
	return out
}

// manifestKey turns "module.a.module.b" into modules.json's "a.b".
func manifestKey(key string) string {
	return strings.ReplaceAll(strings.TrimPrefix(key, "module."), ".module.", ".")
}
