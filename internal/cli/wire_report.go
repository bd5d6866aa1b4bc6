package cli

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/report"
	"github.com/saprism/tfgate/internal/result"
)

// The report formats come from internal/report.

func parseOutput(spec string) (string, string, error) { return report.ParseOutput(spec) }

// reportView is how much of a result the text report shows.
type reportView struct {
	verbose     bool
	minSeverity result.Severity
}

func newReportView(verbose bool, minSeverity string) (reportView, error) {
	sev, err := report.ParseSeverity(minSeverity)
	return reportView{verbose: verbose, minSeverity: sev}, err
}

func newReporter(format string, color bool, red redactor, fallback string, v reportView) (reporter, error) {
	o := report.Options{Color: color, FallbackFile: fallback, Verbose: v.verbose, MinSeverity: v.minSeverity}
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
