package terraform

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
)

const cliConfigStderr = `There are some problems with the CLI configuration:
╷
│ Warning: Unable to open CLI configuration file
│
│ The CLI configuration file at "/root/.terraformrc" does not exist.
╵

╷
│ Error: Failed to query available provider packages
│
│ Could not retrieve the list of available versions for provider hashicorp/aws: could not connect to registry.terraform.io
╵
`

func TestCleanStderrDropsCLIConfigWarning(t *testing.T) {
	got := cleanStderr(cliConfigStderr)
	if strings.Contains(got, "CLI configuration") || strings.Contains(got, ".terraformrc") {
		t.Errorf("CLI config warning kept:\n%s", got)
	}
	if !strings.HasPrefix(got, "Error: Failed to query available provider packages") {
		t.Errorf("cleanStderr = %q", got)
	}
	if l := firstErrorLine(got); !strings.HasPrefix(l, "Failed to query available provider packages: Could not retrieve") {
		t.Errorf("firstErrorLine = %q", l)
	}
}

func TestCLIConfigWarning(t *testing.T) {
	env := map[string]string{"TF_CLI_CONFIG_FILE": "/root/.terraformrc"}
	get := func(k string) string { return env[k] }
	if w := CLIConfigWarning(get, func(string) bool { return false }); !strings.Contains(w, "TF_CLI_CONFIG_FILE=/root/.terraformrc does not exist") {
		t.Errorf("warning = %q", w)
	}
	if w := CLIConfigWarning(get, func(string) bool { return true }); w != "" {
		t.Errorf("existing file warned: %q", w)
	}
	if w := CLIConfigWarning(func(string) string { return "" }, func(string) bool { return false }); w != "" {
		t.Errorf("unset variable warned: %q", w)
	}
}

func TestClassify(t *testing.T) {
	cfg := repo(t)
	l, _ := NewLayout(cfg, "dev", true)
	r := &Runner{Layout: l}
	ctx := context.Background()

	var ce *CommandError
	err := r.classify(ctx, "init", errors.New("exit status 1\n"+cliConfigStderr), nil)
	var pm *ProviderMissingError
	if !errors.As(err, &pm) || !strings.Contains(err.Error(), "--plugin-dir") {
		t.Errorf("provider missing: %v", err)
	}

	prog := NewProgress(&strings.Builder{}, ProgressOptions{Mode: Quiet})
	prog.Write([]byte(`{"type":"diagnostic","diagnostic":{"severity":"error","summary":"Error acquiring the state lock","detail":"ConditionalCheckFailedException\nLock Info: ID: 1"}}` + "\n"))
	err = r.classify(ctx, "apply", errors.New("exit status 1"), prog)
	var le *LockedError
	if !errors.As(err, &le) || !strings.Contains(err.Error(), "environment dev is locked") {
		t.Errorf("lock: %v", err)
	}

	prog = NewProgress(&strings.Builder{}, ProgressOptions{Mode: Quiet, Path: l.SourcePath})
	prog.Write([]byte(`{"type":"diagnostic","diagnostic":{"severity":"error","summary":"Invalid expression","detail":"Expected the start of an expression.","range":{"filename":"` + cfg.Root + `/terraform/env/dev.tfvars","start":{"line":7}}}}` + "\n"))
	err = r.classify(ctx, "plan", errors.New("exit status 1"), prog)
	if err == nil || !strings.Contains(err.Error(), "terraform plan: terraform/env/dev.tfvars:7: Invalid expression") {
		t.Errorf("diagnostic with file:line: %v", err)
	}

	err = r.classify(ctx, "apply", errors.New("exit status 1\nError: Saved plan is stale\n"), nil)
	var stale *StalePlanError
	if !errors.As(err, &stale) || !strings.Contains(err.Error(), "run `tfgate plan --env dev --local` again") {
		t.Errorf("stale plan: %v", err)
	}

	// A working dir initialised for other settings says how to recover.
	err = r.classify(ctx, "plan", errors.New("exit status 1\nError: Backend initialization required, please run \"terraform init\"\n"), nil)
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "(run `tfgate init --env dev` again)") {
		t.Errorf("re-init hint: %v", err)
	}

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	err = r.classify(cctx, "apply", errors.New("signal: interrupt"), nil)
	if !errors.As(err, &ce) || !ce.Interrupted {
		t.Errorf("interrupt: %v", err)
	}
}

func TestCheckVersion(t *testing.T) {
	for v, ok := range map[string]bool{"1.4.7": false, "1.5.0": true, "1.11.4": true, "1.5.0-beta1": true, "0.15.5": false} {
		err := CheckVersion("/bin/terraform", version.Must(version.NewVersion(v)))
		if (err == nil) != ok {
			t.Errorf("CheckVersion(%s) = %v", v, err)
		}
		if err != nil && !strings.Contains(err.Error(), ">= 1.5.0") {
			t.Errorf("message %q does not say what is needed", err)
		}
	}
}

// A remote state lock left by a dead run: the error names the command that
// clears it, with the lock ID Terraform printed (JSON diagnostic or stderr).
func TestLockedErrorNamesTheUnlockCommand(t *testing.T) {
	cfg := repo(t)
	const id = "5c2c06a1-08b4-2a6c-8e01-3f3d0b1f0c7e"
	detail := "ConditionalCheckFailedException: The conditional request failed\nLock Info:\n  ID:        " + id + "\n  Path:      b/tfgate/production.tfstate\n  Operation: OperationTypeApply\n  Who:       runner@ci"
	stderr := "exit status 1\n\nError: Error acquiring the state lock\n\n" + detail + "\n"
	for _, tc := range []struct {
		name  string
		local bool
		diag  bool
		want  string
	}{
		{"aws diagnostic", false, true, "tfgate unlock --env dev --lock-id " + id + "`"},
		{"aws stderr", false, false, "tfgate unlock --env dev --lock-id " + id + "`"},
		{"local", true, true, "tfgate unlock --env dev --local`"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, _ := NewLayout(cfg, "dev", tc.local)
			r := &Runner{Layout: l}
			var prog *Progress
			if tc.diag {
				prog = NewProgress(&strings.Builder{}, ProgressOptions{Mode: Quiet})
				d, _ := json.Marshal(map[string]any{"type": "diagnostic", "diagnostic": map[string]any{"severity": "error", "summary": "Error acquiring the state lock", "detail": detail}})
				prog.Write(append(d, '\n'))
			}
			err := r.classify(context.Background(), "plan", errors.New(stderr), prog)
			var le *LockedError
			if !errors.As(err, &le) || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("got %v\nwant one line containing %q", err, tc.want)
			}
			if !tc.local && le.LockID() != id {
				t.Errorf("LockID() = %q", le.LockID())
			}
		})
	}
}
