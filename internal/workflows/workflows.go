// Package workflows checks the repository's GitHub Actions workflows: it
// runs actionlint over them (the same linter `make lint` runs as a go.mod
// tool) and extracts every tfgate command line their scripts run, so a test
// can feed each one through the real CLI's flag parsing. A flag renamed in
// the CLI then breaks `go test ./...` instead of CI on the next pull request.
package workflows

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/rhysd/actionlint"
	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// Dir is where GitHub reads workflows from, relative to the repository root.
const Dir = ".github/workflows"

// Files lists the workflow files under root/.github/workflows.
func Files(root string) ([]string, error) {
	var out []string
	for _, pat := range []string{"*.yml", "*.yaml"} {
		m, err := filepath.Glob(filepath.Join(root, Dir, pat))
		if err != nil {
			return nil, err
		}
		out = append(out, m...)
	}
	sort.Strings(out)
	if len(out) == 0 {
		return nil, fmt.Errorf("no workflows under %s", filepath.Join(root, Dir))
	}
	return out, nil
}

// Lint runs actionlint on every workflow of the repository at root and
// returns its findings, one "file:line:col: message [rule]" string each.
// Shellcheck runs when it is on PATH (as on GitHub's runners); usedShellcheck
// says whether it did, so a caller can say so instead of passing silently.
func Lint(root string) (findings []string, usedShellcheck bool, err error) {
	files, err := Files(root)
	if err != nil {
		return nil, false, err
	}
	opts := &actionlint.LinterOptions{LogWriter: io.Discard, WorkingDir: root}
	if p, err := exec.LookPath("shellcheck"); err == nil {
		opts.Shellcheck, usedShellcheck = p, true
	}
	l, err := actionlint.NewLinter(io.Discard, opts)
	if err != nil {
		return nil, usedShellcheck, err
	}
	proj, err := actionlint.NewProject(root)
	if err != nil {
		return nil, usedShellcheck, err
	}
	errs, err := l.LintFiles(files, proj)
	if err != nil {
		return nil, usedShellcheck, err
	}
	for _, e := range errs {
		rel, rerr := filepath.Rel(root, e.Filepath)
		if rerr != nil {
			rel = e.Filepath
		}
		findings = append(findings, fmt.Sprintf("%s:%d:%d: %s [%s]", rel, e.Line, e.Column, e.Message, e.Kind))
	}
	return findings, usedShellcheck, nil
}

// Command is one tfgate invocation found in a workflow script.
type Command struct {
	File string   // workflow file, relative to the repository root
	Line int      // line of the command in the file
	Step string   // the step's name (or id)
	Args []string // tfgate's arguments, program name removed
}

func (c Command) String() string {
	return fmt.Sprintf("%s:%d (%s): tfgate %s", c.File, c.Line, c.Step, strings.Join(c.Args, " "))
}

// Uses is one `uses:` reference of a workflow step.
type Uses struct {
	File string
	Line int
	Ref  string // e.g. actions/checkout@v4, ./.github/actions/provider-mirror
}

// expr matches a ${{ ... }} expression; scripts are checked with each one
// replaced by a placeholder, as GitHub substitutes them before bash runs.
var expr = regexp.MustCompile(`\$\{\{[^}]*\}\}`)

// Placeholder stands for every ${{ }} expression and shell variable of a
// command line; the CLI's flag parsing never looks inside values.
const Placeholder = "PLACEHOLDER"

// Scan reads every workflow of the repository at root and returns its tfgate
// command lines and its `uses:` references.
func Scan(root string) ([]Command, []Uses, error) {
	files, err := Files(root)
	if err != nil {
		return nil, nil, err
	}
	var cmds []Command
	var uses []Uses
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, nil, err
		}
		rel, _ := filepath.Rel(root, f)
		c, u, err := ScanWorkflow(filepath.ToSlash(rel), data)
		if err != nil {
			return nil, nil, err
		}
		cmds, uses = append(cmds, c...), append(uses, u...)
	}
	return cmds, uses, nil
}

// ScanWorkflow is Scan for one workflow document named name.
func ScanWorkflow(name string, data []byte) ([]Command, []Uses, error) {
	wf, errs := actionlint.Parse(data)
	if len(errs) > 0 {
		return nil, nil, fmt.Errorf("%s:%d: %s", name, errs[0].Line, errs[0].Message)
	}
	var cmds []Command
	var uses []Uses
	for _, job := range wf.Jobs {
		for _, st := range job.Steps {
			switch ex := st.Exec.(type) {
			case *actionlint.ExecAction:
				if ex.Uses != nil {
					uses = append(uses, Uses{File: name, Line: ex.Uses.Pos.Line, Ref: ex.Uses.Value})
				}
			case *actionlint.ExecRun:
				if ex.Run == nil {
					continue
				}
				found, err := scriptCommands(ex.Run)
				if err != nil {
					return nil, nil, fmt.Errorf("%s: step %q: %w", name, stepName(st), err)
				}
				for _, c := range found {
					c.File, c.Step = name, stepName(st)
					cmds = append(cmds, c)
				}
			}
		}
	}
	// Jobs are a map: report in file order.
	sort.SliceStable(cmds, func(i, j int) bool { return cmds[i].Line < cmds[j].Line })
	sort.SliceStable(uses, func(i, j int) bool { return uses[i].Line < uses[j].Line })
	return cmds, uses, nil
}

func stepName(st *actionlint.Step) string {
	switch {
	case st.Name != nil:
		return st.Name.Value
	case st.ID != nil:
		return st.ID.Value
	}
	return fmt.Sprintf("line %d", st.Pos.Line)
}

// scriptCommands parses a run: script as bash and returns the calls of
// tfgate in it: a binary named tfgate (any path) or `go run ./cmd/tfgate`.
func scriptCommands(run *actionlint.String) ([]Command, error) {
	src := expr.ReplaceAllString(run.Value, Placeholder)
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(src), "")
	if err != nil {
		return nil, err
	}
	// A block scalar (`run: |`) starts on the line after the key; actionlint
	// reports the key's line.
	first := run.Pos.Line
	if !run.Quoted && strings.Contains(run.Value, "\n") {
		first++
	}
	env := &scriptEnv{arrays: map[string][]string{}}
	cfg := &expand.Config{Env: env, CmdSubst: func(w io.Writer, _ *syntax.CmdSubst) error {
		_, err := io.WriteString(w, Placeholder)
		return err
	}}
	var out []Command
	var werr error
	syntax.Walk(f, func(n syntax.Node) bool {
		call, ok := n.(*syntax.CallExpr)
		if !ok || werr != nil {
			return true
		}
		// Arrays built up across the script (args=(...); args+=(...) in
		// branches) are recorded as the union of every element, so a
		// command run with "${args[@]}" is checked with every flag it may get.
		for _, as := range call.Assigns {
			if as.Array == nil || as.Name == nil {
				continue
			}
			var words []*syntax.Word
			for _, el := range as.Array.Elems {
				if el.Value != nil {
					words = append(words, el.Value)
				}
			}
			vals, err := expand.Fields(cfg, words...)
			if err != nil {
				werr = fmt.Errorf("line %d: %v", first+int(as.Pos().Line())-1, err)
				return false
			}
			if as.Append {
				env.arrays[as.Name.Value] = append(env.arrays[as.Name.Value], vals...)
			} else {
				env.arrays[as.Name.Value] = vals
			}
		}
		if len(call.Args) == 0 {
			return true
		}
		words, err := expand.Fields(cfg, call.Args...)
		if err != nil {
			werr = fmt.Errorf("line %d: %v", first+int(call.Pos().Line())-1, err)
			return false
		}
		if args, ok := tfgateArgs(words); ok {
			out = append(out, Command{Line: first + int(call.Pos().Line()) - 1, Args: args})
		}
		return true
	})
	return out, werr
}

// tfgateArgs recognises a tfgate call and returns its arguments.
func tfgateArgs(words []string) ([]string, bool) {
	if len(words) == 0 {
		return nil, false
	}
	if filepath.Base(words[0]) == "tfgate" {
		return words[1:], true
	}
	if len(words) >= 3 && words[0] == "go" && words[1] == "run" {
		for i := 2; i < len(words); i++ {
			if strings.HasPrefix(words[i], "-") {
				continue // go run's own flags
			}
			if strings.TrimSuffix(filepath.ToSlash(words[i]), "/") == "./cmd/tfgate" {
				return words[i+1:], true
			}
			return nil, false
		}
	}
	return nil, false
}

// scriptEnv expands the script's own arrays to what it put in them and
// every other variable to Placeholder: values are not known outside a
// runner, and flag parsing does not depend on them.
type scriptEnv struct{ arrays map[string][]string }

func (e *scriptEnv) Get(name string) expand.Variable {
	if l, ok := e.arrays[name]; ok {
		return expand.Variable{Set: true, Kind: expand.Indexed, List: l}
	}
	return expand.Variable{Set: true, Kind: expand.String, Str: Placeholder}
}

func (e *scriptEnv) Each(func(string, expand.Variable) bool) {}

// CodeownersPatterns reads root/.github/CODEOWNERS: pattern -> owners.
func CodeownersPatterns(root string) (map[string]string, error) {
	data, err := os.ReadFile(filepath.Join(root, ".github", "CODEOWNERS"))
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || strings.HasPrefix(f[0], "#") {
			continue
		}
		out[f[0]] = strings.Join(f[1:], " ")
	}
	return out, nil
}
