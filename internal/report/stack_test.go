package report

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/emulator"
	"github.com/saprism/tfgate/internal/gate"
	"github.com/saprism/tfgate/internal/result"
	tfg "github.com/saprism/tfgate/internal/terraform"
)

// The production stack with one injected violation per file (main.tf,
// ecs.tf, security.tf, storage.tf, and the production tfvars), planned for
// real against the local emulator and run through the gate: every finding
// must carry the right file:line, and every format is checked against a
// golden file. A canary secret passed the way the stack documents it
// (TF_VAR_github_token, a sensitive variable stored in SSM) must not appear
// in any format.
//
// It takes a few minutes (a full plan of the stack): skipped with -short.

// injection is one edit of the stack copy. Old must occur exactly once in
// the file (after Within, when set); Line is text identifying the line the
// finding must point at (Block: a `resource "T" "N"` line).
type injection struct {
	File, Within, Old, New string
	Address                string // the resource the finding is about
	Line                   string // text of the line the finding must point at
	VarFile, VarLine       string // for a tfvars-driven value
}

const stackCanary = "CANARY-stack-not-a-real-secret-5150"

var stackInjections = []injection{
	{
		File: "terraform/main.tf", Old: "storage_encrypted     = true", New: "storage_encrypted     = false",
		Address: "aws_db_instance.main", Line: "storage_encrypted     = false",
	},
	{
		File: "terraform/ecs.tf", Within: `resource "aws_ecr_repository" "app"`,
		Old: "scan_on_push = true", New: "scan_on_push = false",
		Address: "aws_ecr_repository.app", Line: "scan_on_push = false",
	},
	{
		File: "terraform/security.tf", Within: `resource "aws_vpc_security_group_ingress_rule" "vpc_endpoints_from_app"`,
		Old: "referenced_security_group_id = aws_security_group.app.id",
		New: `cidr_ipv4                    = "0.0.0.0/0"`,
		// The rule names the group rule (whose group id is unknown until
		// apply) and its cidr_ipv4 argument: the line that opens it.
		Address: "aws_vpc_security_group_ingress_rule.vpc_endpoints_from_app[0]",
		Line:    `cidr_ipv4                    = "0.0.0.0/0"`,
	},
	{
		File: "terraform/storage.tf", Within: `resource "aws_s3_bucket_public_access_block" "app"`,
		Old: "block_public_acls       = true", New: "block_public_acls       = false",
		Address: "aws_s3_bucket_public_access_block.app", Line: "block_public_acls       = false",
	},
	{
		File: "terraform/env/production.tfvars", Old: "multi_az                   = true", New: "multi_az                   = false",
		Address: "aws_db_instance.main", Line: "multi_az               = var.multi_az",
		VarFile: "terraform/env/production.tfvars", VarLine: "multi_az                   = false",
	},
}

func TestStackGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: this test plans the whole stack against the emulator")
	}
	for _, tool := range []string{"terraform"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not found on PATH: the stack test needs it", tool)
		}
	}
	if dir, _, err := tfg.PluginDir(""); err != nil || dir == "" {
		t.Fatalf("no hashicorp/aws provider mirror (set %s to a filesystem mirror): %v", tfg.PluginDirEnv, err)
	}
	root := repoRoot(t)
	tmp := t.TempDir()
	copyStack(t, filepath.Join(root, "terraform"), filepath.Join(tmp, "terraform"))
	for _, in := range stackInjections {
		inject(t, tmp, in)
	}
	// The injected file is the one the finding must point at: stack files
	// named like the real ones, with the stack's own line numbers.
	cfg, err := config.Load(tmp)
	if err != nil {
		t.Fatal(err)
	}
	env, _ := cfg.Env("production")

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	emu, err := emulator.Start(ctx, emulator.Options{StateDir: filepath.Join(tmp, ".tfgate", "emulator")})
	if err != nil {
		t.Fatalf("start the emulator: %v", err)
	}
	defer func() {
		if err := emu.Stop(); err != nil {
			t.Errorf("stop the emulator (pid %d): %v", emu.PID(), err)
		}
	}()

	planJSON := planStack(ctx, t, cfg, emu)
	if !bytes.Contains(planJSON, []byte(stackCanary)) {
		t.Fatal("the canary is not in the plan JSON: the redaction check below would prove nothing")
	}
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	res, err := gate.Run(ctx, gate.Options{
		Config: cfg, Env: "production", PlanJSON: planJSON, PlanName: "stack plan",
		VarFiles: env.VarFiles, Now: now, ToolVersion: "test",
	})
	if err != nil {
		t.Fatalf("gate: %v", err)
	}

	// Each injection produced a finding at its line, with the tfvars line
	// when the value came from a variable.
	for _, in := range stackInjections {
		file := in.File
		if in.VarFile != "" {
			file = "terraform/main.tf"
		}
		want := lineIn(t, filepath.Join(tmp, file), in.Line)
		found := false
		for _, f := range res.Findings {
			if f.Address != in.Address || f.File != file || f.Line != want {
				continue
			}
			if in.VarFile != "" && (f.VarFile != in.VarFile || f.VarLine != lineIn(t, filepath.Join(tmp, in.VarFile), in.VarLine)) {
				continue
			}
			found = true
		}
		if !found {
			t.Errorf("%s: no finding on %s at %s:%d; findings:\n%s", in.File, in.Address, file, want, describe(res.Findings))
		}
	}
	// Every located finding points inside the configuration, at a line that
	// exists.
	for _, f := range res.Findings {
		if f.File == "" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(tmp, f.File))
		if err != nil || f.Line < 1 || f.Line > bytes.Count(data, []byte("\n"))+1 {
			t.Errorf("%s %s: location %s:%d does not exist", f.RuleID, f.Address, f.File, f.Line)
		}
	}
	if res.Verdict != result.Fail {
		t.Errorf("verdict %s, want fail", res.Verdict)
	}

	// The golden files hold the injected violations only: a finding the
	// unmodified stack already has (a policy or stack change in flight) is
	// not this test's subject and would churn them.
	res.Findings = injected(t, tmp, res.Findings)
	res.Decide()
	normaliseStack(res)
	for _, format := range Formats {
		out := render(t, format, Options{FallbackFile: "terraform/main.tf"}, res)
		if bytes.Contains(bytes.ToUpper(out), []byte(canaryWord)) {
			t.Errorf("%s: the canary secret is printed", format)
		}
		if format == "sarif" {
			validateSARIF(t, out)
		}
		checkGolden(t, filepath.Join("testdata/golden/stack", goldenFiles[format]), out)
	}
}

// injected keeps the findings an injection asked for.
func injected(t *testing.T, tmp string, fs []result.Finding) []result.Finding {
	var out []result.Finding
	for _, f := range fs {
		for _, in := range stackInjections {
			file := in.File
			if in.VarFile != "" {
				file = "terraform/main.tf"
			}
			if f.Address == in.Address && f.File == file && f.Line == lineIn(t, filepath.Join(tmp, file), in.Line) {
				out = append(out, f)
				break
			}
		}
	}
	return out
}

// normaliseStack removes what changes with every plan or policy edit
// (hashes, resource counts of the whole stack, metadata of rules that did
// not fire) so the golden files only change when a finding does.
func normaliseStack(r *result.Result) {
	r.PlanSHA256, r.PolicyHash = "", ""
	r.Plan.Add, r.Plan.Change = 0, 0
	fired := map[string]bool{}
	for _, f := range r.Findings {
		fired[f.RuleID] = true
	}
	var rules []result.Rule
	for _, rule := range r.Rules {
		if fired[rule.ID] {
			rules = append(rules, rule)
		}
	}
	r.Rules = rules
}

// planStack plans production in local mode exactly as tfgate does (working
// copy, data dir, provider mirror, emulator environment) and returns
// `terraform show -json` of the saved plan.
func planStack(ctx context.Context, t *testing.T, cfg *config.Config, emu *emulator.Emulator) []byte {
	t.Helper()
	dir, extra, varFiles, err := tfg.Workdir(cfg, "production", true)
	if err != nil {
		t.Fatal(err)
	}
	layout, err := tfg.NewLayout(cfg, "production", true)
	if err != nil {
		t.Fatal(err)
	}
	envMap, _, err := tfg.BuildEnv(tfg.EnvOptions{Layout: layout, Emulator: emu.Env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range tfg.EnvMap(extra) {
		envMap[k] = v
	}
	envMap["TF_VAR_github_token"] = stackCanary
	envList := make([]string, 0, len(envMap))
	for k, v := range envMap {
		envList = append(envList, k+"="+v)
	}
	sort.Strings(envList)
	run := func(args ...string) []byte {
		t.Helper()
		cmd := exec.CommandContext(ctx, "terraform", args...)
		cmd.Dir, cmd.Env = dir, envList
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			t.Fatalf("terraform %s: %v\n%s\n%s\nemulator log:\n%s", args[0], err, tail(stdout.String()), tail(stderr.String()), emu.LogTail(20))
		}
		t.Logf("terraform %s: %s", args[0], time.Since(start).Round(time.Second))
		return stdout.Bytes()
	}
	run("init", "-input=false", "-no-color")
	planArgs := []string{"plan", "-input=false", "-no-color", "-lock=false", "-out=" + layout.PlanPath()}
	for _, f := range varFiles {
		planArgs = append(planArgs, "-var-file="+f)
	}
	run(planArgs...)
	return run("show", "-json", layout.PlanPath())
}

func tail(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > 30 {
		lines = lines[len(lines)-30:]
	}
	return strings.Join(lines, "\n")
}

func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		if filepath.Dir(dir) == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = filepath.Dir(dir)
	}
}

// copyStack copies the configuration (not .terraform/ or state).
func copyStack(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			if d.Name() == ".terraform" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		if strings.HasSuffix(p, ".tfstate") || d.Name() == "terraform.tfvars" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func inject(t *testing.T, root string, in injection) {
	t.Helper()
	p := filepath.Join(root, in.File)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	start := 0
	if in.Within != "" {
		start = strings.Index(s, in.Within)
		if start < 0 {
			t.Fatalf("%s: %q not found: update the injection to the stack", in.File, in.Within)
		}
	}
	i := strings.Index(s[start:], in.Old)
	if i < 0 {
		t.Fatalf("%s: %q not found: update the injection to the stack", in.File, in.Old)
	}
	if in.Within == "" && strings.Count(s, in.Old) != 1 {
		t.Fatalf("%s: %q occurs %d times", in.File, in.Old, strings.Count(s, in.Old))
	}
	i += start
	s = s[:i] + in.New + s[i+len(in.Old):]
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// lineIn is the 1-based line of the only line of file containing text.
func lineIn(t *testing.T, file, text string) int {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	line := 0
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, text) {
			if line != 0 {
				t.Fatalf("%s: %q is on lines %d and %d", file, text, line, i+1)
			}
			line = i + 1
		}
	}
	if line == 0 {
		t.Fatalf("%s: no line contains %q", file, text)
	}
	return line
}

func describe(fs []result.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %s %s %s attr=%s at %s:%d var=%s:%d\n", f.RuleID, f.Enforcement, f.Address, f.Attribute, f.File, f.Line, f.VarFile, f.VarLine)
	}
	return b.String()
}
