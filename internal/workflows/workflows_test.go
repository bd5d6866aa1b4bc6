package workflows

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/saprism/tfgate/internal/cli"
)

const repoRoot = "../.."

// TestActionlint: the workflows CI runs are clean under actionlint (with
// shellcheck on their scripts when it is installed, as on GitHub's runners).
func TestActionlint(t *testing.T) {
	root, _ := filepath.Abs(repoRoot)
	findings, shellcheck, err := Lint(root)
	if err != nil {
		t.Fatal(err)
	}
	if !shellcheck {
		t.Log("shellcheck is not on PATH: workflow scripts were linted without it (install shellcheck for the full check)")
	}
	for _, f := range findings {
		t.Error(f)
	}
}

// TestWorkflowCommandsParse: every tfgate command line the workflows run
// parses through the real CLI.
func TestWorkflowCommandsParse(t *testing.T) {
	cmds, _, err := Scan(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	if len(cmds) == 0 {
		t.Fatal("no tfgate command found in the workflows: the extraction is broken")
	}
	seen := map[string]bool{}
	for _, c := range cmds {
		if err := cli.ParseOnly(c.Args); err != nil {
			t.Errorf("%s\n  %v", c, err)
		}
		if len(c.Args) > 0 {
			seen[c.Args[0]] = true
		}
	}
	t.Logf("%d tfgate command lines checked (commands: %v)", len(cmds), seen)
}

// TestParseOnlyCatchesRenames: the check fails on what a rename leaves
// behind, so the test above cannot pass vacuously.
func TestParseOnlyCatchesRenames(t *testing.T) {
	bad := [][]string{
		{"plan", "--environment", "dev"},
		{"plan", "--env", "dev", "--output", "sarif2=x"},
		{"check"},
		{"nosuch", "--env", "dev"},
		{},
	}
	for _, args := range bad {
		if err := cli.ParseOnly(args); err == nil {
			t.Errorf("ParseOnly(%q) accepted it", args)
		}
	}
	if err := cli.ParseOnly([]string{"plan", "--env", "dev", "--local", "--output", "sarif=x.sarif"}); err != nil {
		t.Errorf("a valid command line was rejected: %v", err)
	}
}

func TestScriptCommands(t *testing.T) {
	script := `set -e
if [ -n "$X" ]; then
  "$RUNNER_TEMP/tfgate" plan --env ${{ matrix.env }} \
    --output sarif="tfgate-${{ matrix.env }}.sarif" || rc=$?
fi
go run ./cmd/tfgate test --junit "$(pwd)/j.xml"
go run -race ./cmd/tfgate/ version
go test ./...
echo tfgate plan
args=(--env dev)
if [ -n "$B" ]; then args+=(--trusted-ref "$B"); fi
tfgate plan "${args[@]}"
`
	var wf strings.Builder
	wf.WriteString("on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - name: s\n        run: |\n")
	for _, l := range strings.Split(strings.TrimSuffix(script, "\n"), "\n") {
		wf.WriteString("          " + l + "\n")
	}
	wf.WriteString("      - run: tfgate version --short\n")
	cmds, _, err := ScanWorkflow("w.yml", []byte(wf.String()))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"10: plan --env PLACEHOLDER --output sarif=tfgate-PLACEHOLDER.sarif",
		"13: test --junit PLACEHOLDER/j.xml",
		"14: version",
		"19: plan --env dev --trusted-ref PLACEHOLDER",
		"20: version --short",
	}
	var got []string
	for _, c := range cmds {
		got = append(got, strings.Join(append([]string{strconv.Itoa(c.Line) + ":"}, c.Args...), " "))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestActionsPinned: third-party actions are pinned to a major version tag
// (README "CI" says why); local actions are paths.
func TestActionsPinned(t *testing.T) {
	_, uses, err := Scan(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	major := regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[A-Za-z0-9_./-]+)?@v[0-9]+$`)
	for _, u := range uses {
		if strings.HasPrefix(u.Ref, "./") {
			continue
		}
		if !major.MatchString(u.Ref) {
			t.Errorf("%s:%d: %s is not pinned to a major tag (owner/repo@vN)", u.File, u.Line, u.Ref)
		}
	}
	if len(uses) == 0 {
		t.Fatal("no uses: found")
	}
}

// TestCodeowners: what judges a pull request is owned, so branch
// protection's code-owner review applies to it.
func TestCodeowners(t *testing.T) {
	owned, err := CodeownersPatterns(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/policies/", "/tfgate.yaml", "exceptions*.yaml", "/.github/"} {
		if owned[p] == "" {
			t.Errorf(".github/CODEOWNERS: %s has no owner", p)
		}
	}
}

// TestPrintWorkflowCommands logs what TestWorkflowCommandsParse checks.
func TestPrintWorkflowCommands(t *testing.T) {
	cmds, _, err := Scan(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cmds {
		t.Log(c)
	}
}
