package report

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/saprism/tfgate/internal/atomicfile"
	"github.com/saprism/tfgate/internal/result"
)

// Output is one --output FMT[=FILE], with the text report's view.
type Output struct {
	Format      string
	File        string // "" = stdout
	Verbose     bool   // text: every address of a repeated finding
	MinSeverity result.Severity
}

// ParseOutputs checks every --output (and --min-severity) before anything
// runs, so a typo is a usage error, not a surprise after a ten-minute plan.
// No spec means text to stdout. With jsonStream stdout carries the event
// stream, so a report needs a file.
func ParseOutputs(specs []string, jsonStream, verbose bool, minSeverity string) ([]Output, error) {
	sev, err := ParseSeverity(minSeverity)
	if err != nil {
		return nil, err
	}
	if len(specs) == 0 && !jsonStream {
		specs = []string{"text"}
	}
	var out []Output
	for _, s := range specs {
		f, file, err := ParseOutput(s)
		if err != nil {
			return nil, err
		}
		if jsonStream && file == "" {
			return nil, fmt.Errorf("--output %s: with --json, stdout carries the event stream; write the report to a file (%s=FILE)", s, f)
		}
		out = append(out, Output{Format: f, File: file, Verbose: verbose, MinSeverity: sev})
	}
	return out, nil
}

// Write renders res with r to o.File, or to stdout when o has no file. A
// file is written whole or not at all (temp file + rename): a failed render
// or a full disk leaves no partial report for CI to pick up.
func (o Output) Write(stdout io.Writer, r Reporter, res *result.Result) error {
	if o.File == "" {
		if err := r.Report(stdout, res); err != nil {
			return fmt.Errorf("%s report: %w", o.Format, err)
		}
		return nil
	}
	err := os.MkdirAll(filepath.Dir(o.File), 0o755)
	if err == nil {
		err = atomicfile.Write(o.File, 0o644, func(w io.Writer) error { return r.Report(w, res) })
	}
	if err != nil {
		return fmt.Errorf("--output %s=%s: %w", o.Format, o.File, err)
	}
	return nil
}

// WriteAll renders res in every output: to stdout (coloured when o.Color) or
// to its file (never coloured), each with its own text view.
func WriteAll(stdout io.Writer, outs []Output, res *result.Result, o Options) error {
	for _, s := range outs {
		so := o
		so.Color = o.Color && s.File == ""
		so.Verbose, so.MinSeverity = s.Verbose, s.MinSeverity
		r, err := New(s.Format, so)
		if err != nil {
			return err
		}
		if err := s.Write(stdout, r, res); err != nil {
			return err
		}
	}
	return nil
}
