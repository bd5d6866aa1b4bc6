package terraform

import (
	"fmt"
	"strings"
)

// Diagnostic is one Terraform diagnostic (error or warning), with its file
// and line relative to the repository root.
type Diagnostic struct {
	Severity string // error | warning
	Summary  string
	Detail   string
	Address  string
	File     string
	Line     int
}

// Location is "file:line", or "" when Terraform gave none.
func (d Diagnostic) Location() string {
	if d.File == "" {
		return ""
	}
	if d.Line > 0 {
		return fmt.Sprintf("%s:%d", d.File, d.Line)
	}
	return d.File
}

// String renders "file:line: summary: detail" on one line.
func (d Diagnostic) String() string {
	var b strings.Builder
	if loc := d.Location(); loc != "" {
		b.WriteString(loc + ": ")
	}
	b.WriteString(d.Summary)
	if d.Detail != "" {
		b.WriteString(": " + oneLine(d.Detail))
	}
	return b.String()
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// CommandError is a failed Terraform command: its error diagnostics when the
// JSON stream carried them, else the meaningful part of its stderr.
type CommandError struct {
	Command     string // init, plan, apply, ...
	Diagnostics []Diagnostic
	Stderr      string
	Interrupted bool
	// Hint says how to recover, when tfgate knows (e.g. init again).
	Hint string
}

func (e *CommandError) Error() string {
	msg := e.message()
	if e.Hint != "" {
		msg += " (" + e.Hint + ")"
	}
	return msg
}

func (e *CommandError) message() string {
	if e.Interrupted {
		return "terraform " + e.Command + " was interrupted; Terraform stopped cleanly and saved its state"
	}
	if len(e.Diagnostics) > 0 {
		// The diagnostics were shown in full as they came; this is the
		// one-line summary.
		d := e.Diagnostics[0]
		msg := "terraform " + e.Command + ": "
		if loc := d.Location(); loc != "" {
			msg += loc + ": "
		}
		msg += d.Summary
		if n := len(e.Diagnostics) - 1; n > 0 {
			msg += fmt.Sprintf(" (and %d more error(s) above)", n)
		}
		return msg
	}
	s := strings.TrimSpace(e.Stderr)
	if s == "" {
		s = "failed"
	}
	return "terraform " + e.Command + ": " + s
}

// StalePlanError: the state changed since the saved plan was made, so
// Terraform refuses to apply it.
type StalePlanError struct {
	Env   string
	Local bool
}

func (e *StalePlanError) Error() string {
	flag := ""
	if e.Local {
		flag = " --local"
	}
	return "the saved plan is stale (state changed since it was made): run `tfgate plan --env " + e.Env + flag + "` again"
}

// LockedError means Terraform could not take the state lock: another run
// holds it.
type LockedError struct {
	Env    string
	Detail string
	Local  bool
}

// LockID is the ID of the lock in Terraform's lock info, or "".
func (e *LockedError) LockID() string {
	if m := lockIDPattern.FindStringSubmatch(e.Detail); m != nil {
		return m[1]
	}
	return ""
}

func (e *LockedError) Error() string {
	fix := "`tfgate unlock --env " + e.Env
	if e.Local {
		fix += " --local`"
	} else if id := e.LockID(); id != "" {
		fix += " --lock-id " + id + "`"
	} else {
		fix += " --lock-id ID` (the ID from the lock info)"
	}
	return "environment " + e.Env + " is locked: another terraform run holds its state lock (" + e.Detail + "); wait for it to finish, or if that run died: " + fix
}

// cliConfigWarning is the block Terraform prints on every command when
// TF_CLI_CONFIG_FILE names a missing file; tfgate says it once itself.
const cliConfigWarning = "There are some problems with the CLI configuration"

// CLIConfigWarning returns the one warning to show when TF_CLI_CONFIG_FILE
// (or ~/.terraformrc given by it) does not exist, or "".
func CLIConfigWarning(getenv func(string) string, exists func(string) bool) string {
	p := getenv("TF_CLI_CONFIG_FILE")
	if p == "" || exists(p) {
		return ""
	}
	return "warning: TF_CLI_CONFIG_FILE=" + p + " does not exist; Terraform warns about it and uses its default CLI configuration"
}

// cleanStderr turns Terraform's human stderr into the error lines that
// matter: box-drawing gutters and the CLI-configuration warning go.
func cleanStderr(s string) string {
	var out []string
	skipping := false
	for _, raw := range strings.Split(s, "\n") {
		line := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(raw), "╷│╵"))
		if strings.HasPrefix(line, cliConfigWarning) {
			skipping = true
			continue
		}
		if skipping {
			// The warning block ends with its closing gutter.
			if strings.HasPrefix(strings.TrimSpace(raw), "╵") {
				skipping = false
			}
			continue
		}
		if line == "" || strings.HasPrefix(line, "exit status") {
			continue
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// firstErrorLine returns the "Error: ..." line of cleaned stderr, with the
// line after it when it is short context, else the first line.
func firstErrorLine(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "Error: ") {
			msg := strings.TrimPrefix(l, "Error: ")
			if i+1 < len(lines) && !strings.HasPrefix(lines[i+1], "Error: ") {
				msg += ": " + lines[i+1]
			}
			return strings.TrimSuffix(msg, ":")
		}
	}
	if len(lines) > 0 {
		return lines[0]
	}
	return ""
}
