package trust_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/saprism/tfgate/internal/cli"
	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/result"
	"github.com/saprism/tfgate/internal/trust"
)

// A production plan whose only violation is RDS-001 (deletion protection off).
const rdsPlan = `{"format_version":"1.2","terraform_version":"1.11.4","resource_changes":[{"address":"aws_db_instance.main","mode":"managed","type":"aws_db_instance","name":"main","provider_name":"registry.terraform.io/hashicorp/aws","change":{"actions":["create"],"before":null,"after":{"identifier":"app","engine":"postgres","multi_az":true,"storage_encrypted":true,"deletion_protection":false,"publicly_accessible":false,"backup_retention_period":7,"skip_final_snapshot":false,"final_snapshot_identifier":"app-final","tags":{"Project":"p","Environment":"production","ManagedBy":"terraform"}},"after_unknown":{},"after_sensitive":{}}}],"configuration":{"root_module":{}}}`

const rdsMain = `resource "aws_db_instance" "main" {
  identifier          = "app"
  engine              = "postgres"
  deletion_protection = false
}
`

// library copies the repository's Rego library (policies/*.rego), so the
// temporary repository carries it like this one does.
func library(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	src := filepath.Join("..", "..", "policies")
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rego") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out[filepath.Join("policies", rel)] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func runCLI(root string, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := cli.Run(append([]string{"-C", root}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

// TestPullRequestCannotWeakenItsGate is the acceptance test of trusted
// policy: a pull-request-like checkout (base commit, then a commit that
// weakens RDS-001 in Rego, overrides its enforcement in tfgate.yaml and
// adds an exception for its own violation) passes when judged by its own
// files, and still fails with --trusted-ref base, listing each weakening
// under "policy changes pending review".
func TestPullRequestCannotWeakenItsGate(t *testing.T) {
	r := newGitRepo(t)
	files := library(t)
	files["tfgate.yaml"] = "exceptions_file: exceptions.yaml\n"
	files["exceptions.yaml"] = "exceptions: []\n"
	files["terraform/main.tf"] = rdsMain
	files["terraform/env/production.tfvars"] = ""
	files["plan.json"] = rdsPlan
	r.write(files)
	base := r.commit("base")
	r.git("branch", "base")

	// The pull request: three ways to wave its own violation through.
	rds := files["policies/aws/rds.rego"]
	weak := strings.Replace(rds, "#   enforcement: {dev: advisory, staging: warn, production: deny}\n#   remediation: Set deletion_protection",
		"#   enforcement: {dev: advisory, staging: advisory, production: advisory}\n#   remediation: Set deletion_protection", 1)
	if weak == rds {
		t.Fatal("could not find RDS-001's enforcement in policies/aws/rds.rego: update this test")
	}
	expires := time.Now().AddDate(0, 1, 0).Format(time.DateOnly)
	r.write(map[string]string{
		"policies/aws/rds.rego": weak,
		"tfgate.yaml":           "exceptions_file: exceptions.yaml\nenforcement:\n  RDS-001: {production: advisory}\n",
		"exceptions.yaml": "exceptions:\n  - id: pr-own-waiver\n    rule_id: RDS-001\n    address: aws_db_instance.main\n" +
			"    reason: not needed\n    owner: the-author\n    expires: \"" + expires + "\"\n",
	})
	r.commit("weaken the gate")

	// Judged by its own files (what the gate did before --trusted-ref), the
	// pull request passes: the weakening works, so the test below means
	// something. (The embedded library is the binary's; the repository's
	// own weakened copy replaces it once named in policy_dirs.)
	r.write(map[string]string{"tfgate.yaml": "exceptions_file: exceptions.yaml\npolicy_dirs: [policies]\nenforcement:\n  RDS-001: {production: advisory}\n"})
	r.commit("load the repository's policies")
	if code, out, errs := runCLI(r.root, "check", filepath.Join(r.root, "plan.json"), "--env", "production"); code != cli.ExitPass {
		t.Fatalf("judged by its own policies the pull request should pass; exit %d\n%s\n%s", code, out, errs)
	}

	dir := t.TempDir()
	jsonOut, mdOut := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.md")
	code, out, errs := runCLI(r.root, "check", filepath.Join(r.root, "plan.json"), "--env", "production", "--trusted-ref", "base",
		"--output", "text", "--output", "json="+jsonOut, "--output", "markdown="+mdOut)
	if code != cli.ExitDenied {
		t.Fatalf("with --trusted-ref base the pull request must be denied; exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(out, "RDS-001") || !strings.Contains(out, "POLICY CHANGES PENDING REVIEW") {
		t.Errorf("text report lacks the deny or the pending changes:\n%s", out)
	}
	if !strings.Contains(errs, base[:12]) {
		t.Errorf("stderr should name the trusted commit %s:\n%s", base[:12], errs)
	}

	var res result.Result
	data, err := os.ReadFile(jsonOut)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatal(err)
	}
	if res.Verdict != result.Fail || res.Summary.Deny != 1 || res.Summary.Waived != 0 {
		t.Errorf("verdict %s, %+v: want fail with RDS-001 denied and nothing waived", res.Verdict, res.Summary)
	}
	pc := res.PolicyChanges
	if pc == nil {
		t.Fatalf("no policy_changes_pending_review in the JSON report:\n%s", data)
	}
	if pc.TrustedRef != "base" || pc.TrustedCommit != base {
		t.Errorf("trusted ref/commit %q %q, want base %s", pc.TrustedRef, pc.TrustedCommit, base)
	}
	got := map[string]bool{}
	for _, c := range pc.Changes {
		got[c.Kind+" "+c.Subject] = true
	}
	for _, want := range []string{
		"rule changed RDS-001",
		"enforcement changed RDS-001 production",
		"enforcement changed RDS-001 staging",
		"exception added pr-own-waiver",
		"policy file changed policies/aws/rds.rego",
		"policy file changed exceptions.yaml",
	} {
		if !got[want] {
			t.Errorf("pending changes lack %q; got %v", want, pc.Changes)
		}
	}
	md, _ := os.ReadFile(mdOut)
	if !bytes.Contains(md, []byte("### Policy changes pending review")) || !bytes.Contains(md, []byte("pr-own-waiver")) {
		t.Errorf("markdown report lacks the pending changes:\n%s", md)
	}

	// Judged by the head commit itself, nothing is pending and the verdict
	// is the pull request's own.
	code, out, _ = runCLI(r.root, "check", filepath.Join(r.root, "plan.json"), "--env", "production", "--trusted-ref", "HEAD")
	if code != cli.ExitPass || !strings.Contains(out, "POLICY CHANGES PENDING REVIEW (0)") {
		t.Errorf("--trusted-ref HEAD: exit %d, want 0 and no pending change\n%s", code, out)
	}
}

func TestOpenFailsClosed(t *testing.T) {
	ctx := context.Background()
	r := newGitRepo(t)
	r.write(map[string]string{"tfgate.yaml": "exceptions_file: missing.yaml\n"})
	r.commit("base")
	r.git("branch", "names-missing")
	r.write(map[string]string{"tfgate.yaml": "policy_dirs: [../outside]\n"})
	r.commit("outside")
	r.git("branch", "outside")

	for _, tc := range []struct{ ref, want string }{
		{"no-such-branch", "not a commit"},
		{"--upload-pack=x", "want a git revision"},
		{"names-missing", "missing.yaml, which does not exist at names-missing"},
		{"outside", "outside the repository"},
	} {
		s, err := trust.Open(ctx, r.root, tc.ref)
		if err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", tc.ref)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Open(%q): %v, want %q", tc.ref, err, tc.want)
		}
	}
	// Test temp dirs may sit inside this repository's own checkout.
	outside := t.TempDir()
	t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(outside))
	if _, err := trust.Open(ctx, outside, "main"); err == nil {
		t.Error("Open outside a git repository succeeded")
	}
}

// TestOpenSubdirectory: tfgate.yaml below the top of the git repository;
// files are read relative to it, labels name the trusted ref.
func TestOpenSubdirectory(t *testing.T) {
	ctx := context.Background()
	r := newGitRepo(t)
	r.write(map[string]string{
		"infra/tfgate.yaml":        "exceptions_file: ex/exceptions.yaml\n",
		"infra/ex/exceptions.yaml": "exceptions:\n  - {id: a, rule_id: RDS-001, address: x, reason: r, owner: o, expires: \"2999-01-01\"}\n",
	})
	r.commit("base")
	r.write(map[string]string{"infra/ex/exceptions.yaml": "exceptions: []\n"})
	r.commit("drop")
	root := filepath.Join(r.root, "infra")
	s, err := trust.Open(ctx, root, "HEAD~1")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	work, err := config.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	exc, err := s.Apply(work).LoadExceptions()
	if err != nil {
		t.Fatal(err)
	}
	if len(exc) != 1 || exc[0].File != "HEAD~1:ex/exceptions.yaml" {
		t.Fatalf("trusted exceptions %+v, want one from HEAD~1:ex/exceptions.yaml", exc)
	}
	pc, err := s.Compare(ctx, work)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range pc.Changes {
		found = found || (c.Kind == result.ExceptionRemoved && c.Subject == "a")
	}
	if !found {
		t.Errorf("the removed exception is not listed: %+v", pc.Changes)
	}
}
