package policy

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/saprism/tfgate/internal/result"
)

// WriteTable lists rules as `tfgate policy list` prints them: id, severity,
// enforcement in each of envs ("-" when none), title and controls.
func WriteTable(w io.Writer, rules []result.Rule, envs []string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "ID\tSEVERITY\t%s\tTITLE\tCONTROLS\n", strings.ToUpper(strings.Join(envs, "\t")))
	for _, r := range rules {
		var enf []string
		for _, e := range envs {
			v := string(r.Enforcement[e])
			if v == "" {
				v = "-"
			}
			enf = append(enf, v)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Severity, strings.Join(enf, "\t"), r.Title, strings.Join(r.Controls, " "))
	}
	return tw.Flush()
}
