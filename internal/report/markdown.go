package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/saprism/tfgate/internal/result"
)

// markdownReporter writes GitHub-flavoured Markdown for a PR comment or
// $GITHUB_STEP_SUMMARY: verdict, counts, destroys, a table of denies and
// warnings with file:line, advisory and waived findings folded away, and the
// exceptions that were used, are expiring, expired or unused.
type markdownReporter struct{}

var verdictIcon = map[result.Verdict]string{result.Pass: "✅", result.Warn: "⚠️", result.Fail: "❌"}

func (markdownReporter) Report(w io.Writer, r *result.Result) error {
	b := bufio.NewWriter(w)
	env := r.Environment
	if env == "" {
		env = "no environment"
	}
	fmt.Fprintf(b, "## %s tfgate: %s (%s)\n\n", verdictIcon[r.Verdict], strings.ToUpper(string(r.Verdict)), mdText(env))
	fmt.Fprintf(b, "**Findings:** %s  \n", countsLine(r.Summary))
	fmt.Fprintf(b, "**Plan:** %s\n", planLine(r.Plan))
	if r.Strict {
		b.WriteString("\nStrict mode: warnings fail the gate.\n")
	}

	if len(r.Plan.Destroys) > 0 {
		fmt.Fprintf(b, "\n### Destroys (%d)\n\n", len(r.Plan.Destroys))
		for _, a := range r.Plan.Destroys {
			fmt.Fprintf(b, "- %s\n", mdCode(a))
		}
	}

	if d := r.Drift; d != nil {
		fmt.Fprintf(b, "\n### Drift: %d resources changed outside Terraform\n\n", len(d.Resources))
		if len(d.Resources) > 0 {
			b.WriteString("| Resource | Location | Attribute | In state | Live |\n|---|---|---|---|---|\n")
			for _, dr := range d.Resources {
				if len(dr.Attributes) == 0 {
					fmt.Fprintf(b, "| %s | %s | *%s* | | |\n", mdCode(dr.Address), mdCode(location(dr.File, dr.Line)), mdText(dr.Action))
				}
				for _, a := range dr.Attributes {
					fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", mdCode(dr.Address), mdCode(location(dr.File, dr.Line)), mdCode(a.Path), mdCode(a.Before), mdCode(a.After))
				}
			}
		}
	}

	var main, advisory, waived []result.Finding
	for _, f := range r.Findings {
		switch groupOf(f) {
		case groupDeny, groupWarn:
			main = append(main, f)
		case groupAdvisory:
			advisory = append(advisory, f)
		default:
			waived = append(waived, f)
		}
	}
	if len(main) > 0 {
		fmt.Fprintf(b, "\n### Denies and warnings (%d)\n\n", len(main))
		findingTable(b, main)
	}
	if len(advisory) > 0 {
		fmt.Fprintf(b, "\n<details><summary>Advisory findings (%d)</summary>\n\n", len(advisory))
		findingTable(b, advisory)
		b.WriteString("\n</details>\n")
	}
	if len(waived) > 0 {
		fmt.Fprintf(b, "\n<details><summary>Waived findings (%d)</summary>\n\n", len(waived))
		findingTable(b, waived)
		b.WriteString("\n</details>\n")
	}
	if len(r.Findings) == 0 {
		b.WriteString("\nNo findings.\n")
	}

	if len(r.Exceptions) > 0 {
		fmt.Fprintf(b, "\n### Exceptions (%d)\n\n", len(r.Exceptions))
		b.WriteString("| Status | Id | Rule | Address | Expires | Owner | Waived | Reason |\n")
		b.WriteString("|---|---|---|---|---|---|---|---|\n")
		for _, e := range r.Exceptions {
			label := exceptionLabel(e)
			switch e.Status {
			case result.ExceptionExpired:
				label = "❌ " + label
			case result.ExceptionExpiring:
				label = "⚠️ " + label
			}
			used := make([]string, len(e.UsedBy))
			for i, a := range e.UsedBy {
				used[i] = mdCode(a)
			}
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n",
				label, mdCode(e.ID), mdCode(e.RuleID), mdCode(e.Address), mdText(e.Expires),
				mdText(e.Owner), strings.Join(used, "<br>"), mdText(e.Reason))
		}
	}
	if pc := r.PolicyChanges; pc != nil {
		fmt.Fprintf(b, "\n### Policy changes pending review (%d)\n\n", len(pc.Changes))
		fmt.Fprintf(b, "Judged by the policies, enforcement and exceptions of %s (%s); the changes below take effect after merge.\n", mdCode(pc.TrustedRef), mdCode(shortCommit(pc.TrustedCommit)))
		if len(pc.Changes) > 0 {
			b.WriteString("\n| Change | Subject | Detail |\n|---|---|---|\n")
			for _, ch := range pc.Changes {
				fmt.Fprintf(b, "| %s | %s | %s |\n", mdText(ch.Kind), mdCode(ch.Subject), mdText(ch.Detail))
			}
		}
	}
	return b.Flush()
}

func findingTable(b *bufio.Writer, fs []result.Finding) {
	b.WriteString("| | Rule | Resource | Location | Message |\n")
	b.WriteString("|---|---|---|---|---|\n")
	for _, f := range fs {
		effect := string(f.Enforcement)
		switch groupOf(f) {
		case groupDeny:
			effect = "❌ deny"
		case groupWarn:
			effect = "⚠️ warn"
		case groupWaived:
			effect = "waived (" + string(f.Enforcement) + ")"
		}
		rule := mdCode(f.RuleID)
		if f.Severity != "" {
			rule += " " + string(f.Severity)
		}
		loc := mdCode(location(f.File, f.Line))
		if set := valueSet(f, mdCode); set != "" {
			loc += "<br>" + set
		}
		msg := mdText(f.Message)
		if f.Unknown {
			msg = "*(unknown until apply)* " + msg
		}
		if f.Waived {
			msg += " — waived by " + mdCode(f.Exception)
		} else if f.Remediation != "" {
			msg += "<br>**Fix:** " + mdText(f.Remediation)
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", effect, rule, mdCode(f.Address), loc, msg)
	}
}

// mdText escapes a string for a GFM table cell: pipes end cells, newlines
// end rows, and Markdown or HTML syntax in a message must not render.
func mdText(s string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch r {
		case '|', '\\', '`', '*', '_', '[', ']', '#', '~':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '\n':
			b.WriteString("<br>")
		case '\r':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdCode renders s as a code span in a table cell. Inside code spans GFM
// still splits cells on '|' unless it is escaped as '\|' (the backslash is
// then dropped); backticks are fenced with a longer run.
func mdCode(s string) string {
	s = strings.TrimSpace(strings.NewReplacer("\r", "", "\n", " ").Replace(s))
	if s == "" {
		return "-"
	}
	s = strings.ReplaceAll(s, "|", `\|`)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || len(fence) > 1 {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}
