package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	tt "github.com/gruntwork-io/terratest/modules/terraform"
	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/emulator"
	"github.com/saprism/tfgate/internal/result"
	"github.com/saprism/tfgate/test/internal/harness"
)

// TestDriftLocal: the dev stack (with deletion protection on, so switching
// it off is non-compliance) comes up on the emulator; two resources are
// changed behind Terraform's back through the AWS SDK (the database's
// deletion protection switched off, the database security group's rule
// opened to the internet); `tfgate drift` reports exactly those attributes
// and denies both as drift into non-compliance at their .tf lines; `up`
// again converges and `drift` is clean.
func TestDriftLocal(t *testing.T) {
	harness.RequireTools(t, "terraform")
	root := filepath.Join(harness.Root(t), ".tfgate", "e2e-drift")
	emuDir := filepath.Join(root, ".tfgate", "emulator")
	const env = "dev"
	upArgs := []string{"up", "--env", env, "--local", "--var", "enable_deletion_protection=true"}

	if old, err := emulator.Attach(emuDir); err == nil {
		_ = old.Stop()
	}
	if err := os.RemoveAll(root); err != nil {
		t.Fatal(err)
	}
	WriteRoot(t, root)
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Minute)
	defer cancel()
	sctx, scancel := context.WithTimeout(ctx, 90*time.Second)
	emu, err := emulator.Start(sctx, emulator.Options{StateDir: emuDir})
	scancel()
	if err != nil {
		t.Fatalf("start the emulator: %v", err)
	}
	harness.Track(emu)
	// The emulator holds everything in memory: stopping it is the teardown
	// (deletion protection is on, so `down` would refuse the database).
	t.Cleanup(func() {
		if err := emu.Stop(); err != nil {
			t.Errorf("stop the emulator (pid %d): %v", emu.PID(), err)
		}
	})

	if code := Up(t, root, upArgs...); code != 0 {
		t.Fatalf("tfgate %s exited %d", strings.Join(upArgs, " "), code)
	}
	// up records the live state after applying: nothing has drifted yet.
	baseline := drift(t, root, env, "baseline")
	if left := newDrift(&result.Result{Drift: &result.Drift{}}, baseline); len(left) != 0 {
		t.Errorf("drift right after up: %s", strings.Join(left, "; "))
	}

	cfg, err := config.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	opts := harness.Options(t, cfg, env, harness.EmulatorEnv(emu))
	opts.PlanFilePath = ""
	state, err := tt.ShowE(t, opts)
	if err != nil {
		t.Fatalf("terraform show -json (state): %v", err)
	}
	stack := LoadStack(t, []byte(state))
	db := stack.Need(t, "aws_db_instance")[0]
	var rule *struct{ addr, id, group string }
	for _, r := range stack.All("aws_vpc_security_group_ingress_rule") {
		if r.Address == "aws_vpc_security_group_ingress_rule.db_from_app" {
			rule = &struct{ addr, id, group string }{r.Address, fmt.Sprint(r.AttributeValues["security_group_rule_id"]), fmt.Sprint(r.AttributeValues["security_group_id"])}
		}
	}
	if rule == nil {
		t.Fatal("no aws_vpc_security_group_ingress_rule.db_from_app in state")
	}

	// Behind Terraform's back.
	awsCfg, err := LocalConfig(ctx, emu.Endpoint(), emulator.Region)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rds.NewFromConfig(awsCfg).ModifyDBInstance(ctx, &rds.ModifyDBInstanceInput{
		DBInstanceIdentifier: aws.String(fmt.Sprint(db.AttributeValues["identifier"])),
		DeletionProtection:   aws.Bool(false),
		ApplyImmediately:     aws.Bool(true),
	}); err != nil {
		t.Fatalf("switch deletion protection off: %v", err)
	}
	if _, err := ec2.NewFromConfig(awsCfg).ModifySecurityGroupRules(ctx, &ec2.ModifySecurityGroupRulesInput{
		GroupId: aws.String(rule.group),
		SecurityGroupRules: []ec2types.SecurityGroupRuleUpdate{{
			SecurityGroupRuleId: aws.String(rule.id),
			SecurityGroupRule: &ec2types.SecurityGroupRuleRequest{
				IpProtocol: aws.String("tcp"), FromPort: aws.Int32(5432), ToPort: aws.Int32(5432),
				CidrIpv4: aws.String("0.0.0.0/0"),
			},
		}},
	}); err != nil {
		t.Fatalf("open the database security group rule: %v", err)
	}

	res := drift(t, root, env, "after")
	// The rule's group shows the same change in its computed ingress list:
	// that view is expected, any other drift is not.
	groupAddr := ""
	for _, g := range stack.All("aws_security_group") {
		if fmt.Sprint(g.AttributeValues["id"]) == rule.group {
			groupAddr = g.Address
		}
	}
	var got []string
	for _, line := range newDrift(baseline, res) {
		if groupAddr != "" && strings.HasPrefix(line, groupAddr+" ingress") {
			t.Logf("the group's view of the rule change: %s", line)
			continue
		}
		got = append(got, line)
	}
	want := []string{
		db.Address + " deletion_protection: true -> false",
		rule.addr + " cidr_ipv4: null -> \"0.0.0.0/0\"",
	}
	// The emulator keeps the referenced group next to the new CIDR (AWS
	// replaces it): accept either.
	if len(got) == 3 && strings.HasPrefix(got[2], rule.addr+" referenced_security_group_id: \"sg-") && strings.HasSuffix(got[2], "-> null") {
		got = got[:2]
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("drift:\n  %s\nwant exactly:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	for _, d := range res.Drift.Resources {
		if (d.Address == db.Address || d.Address == rule.addr) && (!strings.HasSuffix(d.File, "terraform/main.tf") || d.Line <= 0) {
			t.Errorf("%s: drift located at %s:%d, want its block in main.tf", d.Address, d.File, d.Line)
		}
	}
	denied := map[string]result.Finding{}
	for _, f := range res.Findings {
		if f.Enforcement == result.Deny && !f.Waived {
			denied[f.RuleID+" "+f.Address] = f
		}
	}
	for _, k := range []string{"RDS-001 " + db.Address, "NET-001 " + rule.addr} {
		f, ok := denied[k]
		if !ok {
			t.Errorf("no deny %s; denies: %v", k, slices.Sorted(maps.Keys(denied)))
			continue
		}
		if !strings.Contains(f.Message, "drifted outside Terraform") || f.File == "" || f.Line <= 0 {
			t.Errorf("%s: %q at %s:%d, want a drift deny at its .tf line", k, f.Message, f.File, f.Line)
		}
	}
	if res.Verdict != result.Fail {
		t.Errorf("verdict %s, want fail", res.Verdict)
	}

	// up again converges: the configuration wins, and nothing drifts.
	if code := Up(t, root, upArgs...); code != 0 {
		t.Fatalf("second up exited %d", code)
	}
	final := drift(t, root, env, "converged")
	if left := newDrift(&result.Result{Drift: &result.Drift{}}, final); len(left) != 0 || final.Verdict == result.Fail {
		t.Errorf("after up again: verdict %s, drift: %s", final.Verdict, strings.Join(left, "; "))
	}
}

// drift runs `tfgate drift` and returns its JSON result; the exit code
// must agree with it (1 when anything drifted or was denied, else 0).
func drift(t *testing.T, root, env, name string) *result.Result {
	t.Helper()
	out := filepath.Join(root, "drift-"+name+".json")
	code := Tfgate(t, root, "drift", "--env", env, "--local", "--output", "text", "--output", "json="+out)
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("drift (%s) exited %d and wrote no report: %v", name, code, err)
	}
	var res result.Result
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatal(err)
	}
	if res.Drift == nil {
		t.Fatalf("drift (%s): the report has no drift section", name)
	}
	want := 0
	if res.Drifted() || res.Verdict == result.Fail {
		want = 1
	}
	if code != want {
		t.Errorf("drift (%s) exited %d, want %d (%d drifted, verdict %s)", name, code, want, len(res.Drift.Resources), res.Verdict)
	}
	return &res
}

// emulatorArtifact is drift the emulator invents: moto answers
// DescribeUserPoolDomain with a new random AWSAccountId on every call.
// Real AWS does not; tfgate reports it like any other drift.
func emulatorArtifact(address, path string) bool {
	return strings.HasPrefix(address, "aws_cognito_user_pool_domain.") && path == "aws_account_id"
}

// newDrift lists "address path: before -> after" of res not in base, less
// the emulator's artifacts.
func newDrift(base, res *result.Result) []string {
	seen := map[string]bool{}
	for _, d := range base.Drift.Resources {
		for _, a := range d.Attributes {
			seen[d.Address+" "+a.Path+": "+a.Before+" -> "+a.After] = true
		}
	}
	var out []string
	for _, d := range res.Drift.Resources {
		for _, a := range d.Attributes {
			if emulatorArtifact(d.Address, a.Path) {
				continue
			}
			if s := d.Address + " " + a.Path + ": " + a.Before + " -> " + a.After; !seen[s] {
				out = append(out, s)
			}
		}
		if d.Action == "deleted" {
			out = append(out, d.Address+" deleted")
		}
	}
	sort.Strings(out)
	return out
}
