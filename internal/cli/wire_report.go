package cli

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/report"
)

// The report formats come from internal/report.

func parseOutput(spec string) (string, string, error) { return report.ParseOutput(spec) }

func newReporter(format string, color bool, red redactor, fallback string) (reporter, error) {
	o := report.Options{Color: color, FallbackFile: fallback}
	if red != nil {
		o.Redactor = red
	}
	return report.New(format, o)
}

// sarifFallback is the stack's main.tf when the configuration is present
// (where a reviewer looks first), else the plan file the gate read.
func sarifFallback(cfg *config.Config, planName string) string {
	if cfg != nil {
		rel := filepath.Join(cfg.TerraformDir, "main.tf")
		if _, err := os.Stat(filepath.Join(cfg.Root, rel)); err == nil {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(planName)
}

// planFallback is the SARIF location of results without one when no
// configuration was mapped: the plan file relative to the repository root,
// else (a plan outside the repository) its base name — code scanning
// rejects absolute and out-of-tree paths.
func planFallback(cfg *config.Config, path string) string {
	rel := relToRoot(cfg, path)
	if filepath.IsAbs(rel) {
		rel = filepath.Base(rel)
	}
	return filepath.ToSlash(rel)
}

// relToRoot makes path relative to the repository root when it lies inside it.
func relToRoot(cfg *config.Config, path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	if rel, err := filepath.Rel(cfg.Root, abs); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}
