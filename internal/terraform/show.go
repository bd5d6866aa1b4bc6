package terraform

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"sort"
)

// ShowPlan runs `terraform show -json PLANFILE` and returns the plan JSON
// bytes exactly as Terraform printed them (the gate hashes them). It does
// not decode them: internal/plan decodes a run's plan once and hands the
// result along (terraform-exec's ShowPlanFile would decode it a second time
// only to be thrown away).
func (r *Runner) ShowPlan(ctx context.Context, planFile string) ([]byte, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, r.Bin.Path, "show", "-json", "-no-color", planFile)
	cmd.Dir = r.Layout.WorkDir()
	cmd.Env = r.commandEnv()
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// As terraform-exec does: interrupt first, kill only after InterruptWait.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = InterruptWait
	if err := cmd.Run(); err != nil {
		return nil, r.classify(ctx, "show", &stderrError{err: err, stderr: stderr.String()}, nil)
	}
	return bytes.TrimSpace(stdout.Bytes()), nil
}

// commandEnv is r.Env as terraform-exec would pass it: automation mode, no
// logging into the captured output, no workspace override.
func (r *Runner) commandEnv() []string {
	env := make([]string, 0, len(r.Env)+5)
	for k, v := range r.Env {
		switch k {
		case "TF_LOG", "TF_LOG_CORE", "TF_LOG_PATH", "TF_LOG_PROVIDER", "TF_IN_AUTOMATION", "TF_WORKSPACE":
			continue
		}
		env = append(env, k+"="+v)
	}
	sort.Strings(env)
	return append(env, "TF_IN_AUTOMATION=1", "TF_LOG=", "TF_LOG_CORE=", "TF_LOG_PATH=", "TF_LOG_PROVIDER=")
}

// stderrError carries a failed command's stderr, which classify reads
// (terraform-exec's errors carry it the same way).
type stderrError struct {
	err    error
	stderr string
}

func (e *stderrError) Error() string { return e.stderr + "\n" + e.err.Error() }
func (e *stderrError) Unwrap() error { return e.err }
