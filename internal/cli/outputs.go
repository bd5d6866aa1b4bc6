package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/saprism/tfgate/internal/atomicfile"
	"github.com/saprism/tfgate/internal/result"
)

// reporter renders a gate result in one format (internal/report.Reporter).
type reporter interface {
	Report(w io.Writer, r *result.Result) error
}

// redactor scrubs secrets from text (*plan.Redactor).
type redactor interface {
	Redact(string) string
}

// outputSpec is one --output FMT[=FILE].
type outputSpec struct {
	format string
	file   string // "" = stdout
}

// parseOutputs checks every --output before anything runs, so a typo is a
// usage error, not a surprise after a ten-minute plan. With --json stdout
// carries the event stream, so a report needs a file.
func parseOutputs(specs []string, jsonStream bool) ([]outputSpec, error) {
	if len(specs) == 0 {
		if jsonStream {
			return nil, nil
		}
		specs = []string{"text"}
	}
	var out []outputSpec
	for _, s := range specs {
		f, file, err := parseOutput(s)
		if err != nil {
			return nil, failf("%v", err)
		}
		if jsonStream && file == "" {
			return nil, failf("--output %s: with --json, stdout carries the event stream; write the report to a file (%s=FILE)", s, f)
		}
		out = append(out, outputSpec{format: f, file: file})
	}
	return out, nil
}

// writeReports renders res in every requested format. fallback is the
// repository-relative file that SARIF results the source mapper could not
// place point at (line 1): GitHub code scanning rejects results without a
// location, and a stateful-guard deny must not vanish from the PR.
func (a *App) writeReports(specs []outputSpec, res *result.Result, red redactor, fallback string) error {
	color := a.Getenv("NO_COLOR") == "" && isTerminal(a.Stdout)
	for _, s := range specs {
		r, err := newReporter(s.format, color && s.file == "", red, fallback)
		if err != nil {
			return failf("%v", err)
		}
		if s.file == "" {
			if err := r.Report(a.Stdout, res); err != nil {
				return failf("%s report: %v", s.format, err)
			}
			continue
		}
		if dir := filepath.Dir(s.file); dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return failf("--output %s=%s: %v", s.format, s.file, err)
			}
		}
		// Temp file + rename: a failed render or a full disk leaves no
		// partial report for CI to pick up.
		if err := atomicfile.Write(s.file, 0o644, func(w io.Writer) error { return r.Report(w, res) }); err != nil {
			return failf("--output %s=%s: %v", s.format, s.file, err)
		}
	}
	return nil
}

// verdictExit maps a verdict to the exit code.
func verdictExit(res *result.Result) error {
	if res.Verdict == result.Fail {
		return denied()
	}
	return nil
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
