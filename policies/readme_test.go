package policies_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/saprism/tfgate/internal/policy"
)

var update = flag.Bool("update", false, "rewrite the rule table of README.md from the rules' METADATA")

const (
	tableBegin = "<!-- rules:begin (generated from METADATA by `go test ./policies -update`) -->"
	tableEnd   = "<!-- rules:end -->"
)

// ruleTable renders every rule of the embedded library as a Markdown table.
func ruleTable(t *testing.T) string {
	t.Helper()
	e, err := policy.New(context.Background(), policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("| id | title | severity | dev/staging/production | controls |\n|---|---|---|---|---|\n")
	for _, r := range e.Rules() {
		controls := strings.Join(r.Controls, ", ")
		if controls == "" {
			controls = "(tfgate's own)"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s/%s/%s | %s |\n", r.ID, r.Title, r.Severity,
			r.Enforcement["dev"], r.Enforcement["staging"], r.Enforcement["production"], controls)
	}
	return b.String()
}

// TestReadmeRuleTable keeps README.md's rule table equal to the METADATA.
func TestReadmeRuleTable(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(readme)
	i, j := strings.Index(s, tableBegin), strings.Index(s, tableEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md has no %q ... %q section", tableBegin, tableEnd)
	}
	want := s[:i+len(tableBegin)] + "\n" + ruleTable(t) + s[j:]
	if want == s {
		return
	}
	if *update {
		if err := os.WriteFile("README.md", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's rule table is out of date: run go test ./policies -update")
}
