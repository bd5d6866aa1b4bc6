package report

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/saprism/tfgate/internal/result"
)

// Output is one --output FMT[=FILE] with the text report's view.
type Output struct {
	Format string
	File   string // "" = stdout
	// Verbose and MinSeverity shape the text report only.
	Verbose     bool
	MinSeverity result.Severity
}

// ParseOutputs checks every --output before anything runs, so a typo is a
// usage error, not a surprise after a ten-minute plan. No spec means text to
// stdout, except with jsonStream (stdout carries the event stream), where a
// report needs a file. minSeverity is the --min-severity flag.
func ParseOutputs(specs []string, jsonStream, verbose bool, minSeverity string) ([]Output, error) {
	sev, err := ParseSeverity(minSeverity)
	if err != nil {
		return nil, err
	}
	if len(specs) == 0 {
		if jsonStream {
			return nil, nil
		}
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

// WriteAll renders r in every output: to stdout (coloured when o.Color) or
// to its file (never coloured; its directory is created).
func WriteAll(stdout io.Writer, outs []Output, r *result.Result, o Options) error {
	for _, s := range outs {
		so := o
		so.Color = o.Color && s.File == ""
		so.Verbose, so.MinSeverity = s.Verbose, s.MinSeverity
		rep, err := New(s.Format, so)
		if err != nil {
			return err
		}
		if s.File == "" {
			if err := rep.Report(stdout, r); err != nil {
				return fmt.Errorf("%s report: %w", s.Format, err)
			}
			continue
		}
		if err := WriteFile(s.File, func(f io.Writer) error { return rep.Report(f, r) }); err != nil {
			return fmt.Errorf("--output %s=%s: %w", s.Format, s.File, err)
		}
	}
	return nil
}

// WriteFile creates path (and its directory) and writes it with write.
func WriteFile(path string, write func(io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
