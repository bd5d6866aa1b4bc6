package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/saprism/tfgate/internal/result"
)

// textReporter is the terminal format: plan summary with destroys first,
// findings grouped by enforcement, exceptions, and one verdict line last
// (the line a CI log reader looks for).
type textReporter struct {
	color       bool
	verbose     bool
	minSeverity result.Severity
}

// groupCap is how many addresses a repeated finding lists unless verbose.
const groupCap = 5

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

func (t textReporter) paint(code, s string) string {
	if !t.color || s == "" {
		return s
	}
	return code + s + ansiReset
}

var groupNames = [...]string{"DENY", "WARN", "ADVISORY", "WAIVED"}

func (t textReporter) groupColor(g group) string {
	return [...]string{ansiRed, ansiYellow, ansiCyan, ansiDim}[g]
}

func (t textReporter) Report(w io.Writer, r *result.Result) error {
	b := bufio.NewWriter(w)
	env := r.Environment
	if env == "" {
		env = "(no environment)"
	}
	fmt.Fprintf(b, "%s %s\n", t.paint(ansiBold, "tfgate"), env)
	fmt.Fprintf(b, "Plan: %s.\n", planLine(r.Plan))
	for _, a := range r.Plan.Destroys {
		fmt.Fprintf(b, "  %s %s\n", t.paint(ansiRed, "destroy"), a)
	}

	if d := r.Drift; d != nil {
		fmt.Fprintf(b, "\n%s\n", t.paint(ansiBold, fmt.Sprintf("DRIFT (%d resources changed outside Terraform)", len(d.Resources))))
		for _, dr := range d.Resources {
			fmt.Fprintf(b, "  %s  %s", t.paint(ansiRed, dr.Action), dr.Address)
			if loc := location(dr.File, dr.Line); loc != "" {
				fmt.Fprintf(b, "  %s", t.paint(ansiDim, "at "+loc))
			}
			fmt.Fprintln(b)
			for _, a := range dr.Attributes {
				fmt.Fprintf(b, "      %s: %s → %s\n", a.Path, oneLine(a.Before), oneLine(a.After))
			}
		}
	}

	var groups [4][]result.Finding
	hidden := 0
	for _, f := range r.Findings {
		if severityRank(f.Severity) < severityRank(t.minSeverity) {
			hidden++
			continue
		}
		g := groupOf(f)
		groups[g] = append(groups[g], f)
	}
	for g, fs := range groups {
		if len(fs) == 0 {
			continue
		}
		fmt.Fprintf(b, "\n%s\n", t.paint(ansiBold+t.groupColor(group(g)), fmt.Sprintf("%s (%d)", groupNames[g], len(fs))))
		for _, run := range byRule(fs) {
			if len(run) == 1 {
				t.finding(b, group(g), run[0])
			} else {
				t.repeated(b, group(g), run)
			}
		}
	}
	if len(r.Findings) == 0 {
		fmt.Fprintf(b, "\nNo findings.\n")
	}
	if hidden > 0 {
		fmt.Fprintf(b, "\n%s\n", t.paint(ansiDim, fmt.Sprintf("%d finding(s) below %s not shown (--min-severity); they still count in the verdict", hidden, t.minSeverity)))
	}

	if len(r.Exceptions) > 0 {
		fmt.Fprintf(b, "\n%s\n", t.paint(ansiBold, "EXCEPTIONS"))
		for _, e := range r.Exceptions {
			label := exceptionLabel(e)
			code := ""
			switch e.Status {
			case result.ExceptionExpired:
				code = ansiRed
			case result.ExceptionExpiring:
				code = ansiYellow
			case result.ExceptionUnused:
				code = ansiDim
			}
			fmt.Fprintf(b, "  %-8s %s  %s %s  expires %s  owner %s\n",
				t.paint(code, label), e.ID, e.RuleID, e.Address, e.Expires, orNone(e.Owner))
			if e.Reason != "" {
				fmt.Fprintf(b, "           reason: %s\n", oneLine(e.Reason))
			}
			if len(e.UsedBy) > 0 {
				fmt.Fprintf(b, "           waived: %s\n", strings.Join(e.UsedBy, ", "))
			}
		}
	}

	if pc := r.PolicyChanges; pc != nil {
		fmt.Fprintf(b, "\n%s\n", t.paint(ansiBold, fmt.Sprintf("POLICY CHANGES PENDING REVIEW (%d)", len(pc.Changes))))
		fmt.Fprintf(b, "  judged by the policies of %s (%s); these changes take effect after merge\n", pc.TrustedRef, shortCommit(pc.TrustedCommit))
		for _, ch := range pc.Changes {
			line := fmt.Sprintf("  %-20s %s", ch.Kind, ch.Subject)
			if ch.Detail != "" {
				line += "  " + oneLine(ch.Detail)
			}
			fmt.Fprintln(b, line)
		}
	}

	verdict := strings.ToUpper(string(r.Verdict))
	code := map[result.Verdict]string{result.Fail: ansiRed, result.Warn: ansiYellow, result.Pass: ansiGreen}[r.Verdict]
	strict := ""
	if r.Strict {
		strict = ", strict"
	}
	fmt.Fprintf(b, "\n%s: %s (%s%s)\n", t.paint(ansiBold+code, verdict), countsLine(r.Summary), env, strict)
	return b.Flush()
}

func (t textReporter) finding(b *bufio.Writer, g group, f result.Finding) {
	sev := string(f.Severity)
	if sev == "" {
		sev = "unrated"
	}
	head := fmt.Sprintf("  %s  %s  [%s]", t.paint(ansiBold, f.RuleID), f.Address, sev)
	if f.Unknown {
		head += " " + t.paint(ansiYellow, "[unknown until apply]")
	}
	if g == groupWaived {
		head += fmt.Sprintf(" waived by %s (%s)", orNone(f.Exception), f.Enforcement)
	}
	fmt.Fprintln(b, head)
	fmt.Fprintf(b, "      %s\n", oneLine(f.Message))
	set := valueSet(f, plain)
	if loc := location(f.File, f.Line); loc != "" {
		at := "at " + loc
		if set != "" {
			at += " (value " + set + ")"
		}
		fmt.Fprintf(b, "      %s\n", t.paint(ansiDim, at))
	} else if set != "" {
		fmt.Fprintf(b, "      %s\n", t.paint(ansiDim, "value "+set))
	}
	if f.Remediation != "" && g != groupWaived {
		fmt.Fprintf(b, "      fix: %s\n", oneLine(f.Remediation))
	}
}

// byRule groups findings by rule (and unknown flag), in the order each
// rule first appears; a group keeps its findings' order.
func byRule(fs []result.Finding) [][]result.Finding {
	var out [][]result.Finding
	at := map[string]int{}
	for _, f := range fs {
		k := fmt.Sprintf("%s\x00%v", f.RuleID, f.Unknown)
		if i, ok := at[k]; ok {
			out[i] = append(out[i], f)
			continue
		}
		at[k] = len(out)
		out = append(out, []result.Finding{f})
	}
	return out
}

// repeated prints one rule's findings as a group: "TAG-001 × 43", the fix
// once, then one line per address (capped unless verbose).
func (t textReporter) repeated(b *bufio.Writer, g group, fs []result.Finding) {
	f := fs[0]
	sev := string(f.Severity)
	if sev == "" {
		sev = "unrated"
	}
	head := fmt.Sprintf("  %s × %d  [%s]  %s", t.paint(ansiBold, f.RuleID), len(fs), sev, f.Title)
	if f.Unknown {
		head += " " + t.paint(ansiYellow, "[unknown until apply]")
	}
	fmt.Fprintln(b, head)
	if f.Remediation != "" && g != groupWaived {
		fmt.Fprintf(b, "      fix: %s\n", oneLine(f.Remediation))
	}
	shown := fs
	if !t.verbose && len(fs) > groupCap {
		shown = fs[:groupCap]
	}
	for _, x := range shown {
		line := "      - " + oneLine(x.Message)
		if loc := location(x.File, x.Line); loc != "" {
			line += "  " + t.paint(ansiDim, "at "+loc)
		}
		if g == groupWaived {
			line += fmt.Sprintf(" waived by %s (%s)", orNone(x.Exception), x.Enforcement)
		}
		fmt.Fprintln(b, line)
	}
	if n := len(fs) - len(shown); n > 0 {
		fmt.Fprintf(b, "      %s\n", t.paint(ansiDim, fmt.Sprintf("and %d more (--verbose lists them)", n)))
	}
}

// oneLine keeps a multi-line message on its finding's indentation.
func oneLine(s string) string {
	return strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n        ")
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
