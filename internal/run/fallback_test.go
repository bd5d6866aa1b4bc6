package run

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/saprism/tfgate/internal/config"
)

func TestFallbackFile(t *testing.T) {
	root := t.TempDir()
	cfg := &config.Config{Root: root, TerraformDir: "terraform"}
	// Without the stack, unplaced SARIF results point at the plan file.
	if got := fallbackFile(cfg, "plans/x.json"); got != "plans/x.json" {
		t.Errorf("no stack: got %q", got)
	}
	if err := os.MkdirAll(filepath.Join(root, "terraform"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "terraform", "main.tf"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := fallbackFile(cfg, "plans/x.json"); got != "terraform/main.tf" {
		t.Errorf("with stack: got %q", got)
	}
	inside := filepath.Join(root, "plans", "p.json")
	if got := cfg.Rel(inside); got != filepath.Join("plans", "p.json") {
		t.Errorf("relToRoot inside: %q", got)
	}
	outside := filepath.Join(t.TempDir(), "p.json")
	if got := cfg.Rel(outside); got != outside {
		t.Errorf("relToRoot outside: %q", got)
	}
}
