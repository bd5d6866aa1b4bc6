package cli

import (
	"github.com/saprism/tfgate/internal/report"
)

// The report formats come from internal/report.

func parseOutput(spec string) (string, string, error) { return report.ParseOutput(spec) }

func newReporter(format string, color bool, red redactor) (reporter, error) {
	o := report.Options{Color: color}
	if red != nil {
		o.Redactor = red
	}
	return report.New(format, o)
}
