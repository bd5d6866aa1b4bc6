package terraform

import (
	"context"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// InterruptWait is how long an interrupted Terraform may take to stop
// cleanly (it finishes in-flight resource operations and writes state)
// before terraform-exec kills it. A second Ctrl-C forces it sooner (see
// Interrupt).
const InterruptWait = 30 * time.Minute

// Runner runs Terraform commands for one environment layout.
type Runner struct {
	Bin    *Binary
	Layout Layout
	// Env is the complete environment for Terraform (BuildEnv).
	Env map[string]string
}

func (r *Runner) terraform(stdout io.Writer) (*tfexec.Terraform, error) {
	tf, err := tfexec.NewTerraform(r.Layout.WorkDir(), r.Bin.Path)
	if err != nil {
		return nil, err
	}
	if err := tf.SetEnv(r.Env); err != nil {
		return nil, err
	}
	if err := tf.SetWaitDelay(InterruptWait); err != nil {
		return nil, err
	}
	if stdout != nil {
		tf.SetStdout(stdout)
	}
	return tf, nil
}

// classify turns a tfexec error into one of this package's typed errors.
func (r *Runner) classify(ctx context.Context, command string, err error, prog *Progress) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil || errors.Is(err, context.Canceled) {
		return &CommandError{Command: command, Interrupted: true}
	}
	var diags []Diagnostic
	if prog != nil {
		diags = prog.Errors()
	}
	stderr := cleanStderr(err.Error())
	for _, d := range diags {
		if strings.Contains(d.Summary, "Error acquiring the state lock") {
			return &LockedError{Env: r.Layout.Env, Detail: oneLine(d.Detail), Local: r.Layout.Local}
		}
	}
	if strings.Contains(stderr, "Error acquiring the state lock") {
		return &LockedError{Env: r.Layout.Env, Detail: lockDetail(stderr), Local: r.Layout.Local}
	}
	if strings.Contains(stderr, "Saved plan is stale") {
		return &StalePlanError{Env: r.Layout.Env, Local: r.Layout.Local}
	}
	if isProviderMissing(stderr) {
		return &ProviderMissingError{Provider: "hashicorp/aws", Detail: firstErrorLine(stderr)}
	}
	for _, d := range diags {
		if isProviderMissing(d.Summary + " " + d.Detail) {
			return &ProviderMissingError{Provider: "hashicorp/aws", Detail: d.Summary}
		}
	}
	ce := &CommandError{Command: command, Diagnostics: diags, Stderr: r.relPaths(stderr)}
	if needsInit(ce.Error()) {
		ce.Hint = "run `tfgate init --env " + r.Layout.Env + "` again"
	}
	return ce
}

// needsInit recognises the errors of a working dir initialised for other
// settings (backend, provider lock).
func needsInit(msg string) bool {
	for _, s := range []string{"Backend initialization required", "Backend configuration changed", "Inconsistent dependency lock file", "Required plugins are not installed"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// relPaths shortens absolute paths under the repository root in stderr.
func (r *Runner) relPaths(s string) string {
	if r.Layout.Local {
		s = strings.ReplaceAll(s, r.Layout.WorkDir()+"/", r.Layout.Rel(r.Layout.TFDir)+"/")
	}
	return strings.ReplaceAll(s, r.Layout.Root+"/", "")
}

func isProviderMissing(s string) bool {
	for _, p := range []string{
		"Failed to query available provider packages",
		"Failed to install provider",
		"Could not retrieve the list of available versions",
		"Failed to resolve provider packages",
		"Missing required provider",
		"Required plugins are not installed",
	} {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}
