package policy

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/saprism/tfgate/internal/result"
)

func newEngine(t testing.TB, opts Options) *Engine {
	t.Helper()
	e, err := New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func rc(typ, name string, actions []string, after map[string]any) map[string]any {
	return map[string]any{
		"address": typ + "." + name, "mode": "managed", "type": typ, "name": name,
		"change": map[string]any{"actions": toAny(actions), "after": after, "after_unknown": map[string]any{}},
	}
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func planOf(rcs ...map[string]any) map[string]any {
	list := make([]any, len(rcs))
	for i, r := range rcs {
		list[i] = r
	}
	return map[string]any{"format_version": "1.2", "resource_changes": list}
}

func find(fs []result.Finding, id, addr string) *result.Finding {
	for i := range fs {
		if fs[i].RuleID == id && fs[i].Address == addr {
			return &fs[i]
		}
	}
	return nil
}

func TestEvaluateEnforcementPerEnvironment(t *testing.T) {
	e := newEngine(t, Options{})
	in := planOf(rc("aws_db_instance", "main", []string{"create"}, map[string]any{
		"deletion_protection": false, "multi_az": true, "storage_encrypted": true,
		"backup_retention_period": 7, "publicly_accessible": false, "skip_final_snapshot": false,
	}))
	for env, want := range map[string]result.Enforcement{
		"dev": result.Advisory, "staging": result.Warning, "production": result.Deny, "qa": result.Deny,
	} {
		fs, err := e.Evaluate(context.Background(), in, env)
		if err != nil {
			t.Fatal(err)
		}
		f := find(fs, "RDS-001", "aws_db_instance.main")
		if f == nil {
			t.Fatalf("%s: RDS-001 missing in %+v", env, fs)
		}
		if f.Enforcement != want || f.Attribute != "deletion_protection" || f.Severity != result.High || f.Title == "" {
			t.Errorf("%s: got %+v, want enforcement %s", env, f, want)
		}
	}
}

func TestOverrides(t *testing.T) {
	e := newEngine(t, Options{Overrides: map[string]map[string]string{"RDS-001": {"dev": "deny"}}})
	for _, r := range e.Rules() {
		if r.ID == "RDS-001" && r.Enforcement["dev"] != result.Deny {
			t.Fatalf("override not applied: %+v", r)
		}
	}
	if _, err := New(context.Background(), Options{Overrides: map[string]map[string]string{"NOPE-1": {"dev": "deny"}}}); err == nil || !strings.Contains(err.Error(), "NOPE-1") {
		t.Fatalf("unknown rule override: err = %v", err)
	}
	if _, err := New(context.Background(), Options{Overrides: map[string]map[string]string{"RDS-001": {"dev": "block"}}}); err == nil || !strings.Contains(err.Error(), "block") {
		t.Fatalf("bad enforcement override: err = %v", err)
	}
}

func TestCompileErrorNamesFileAndLine(t *testing.T) {
	dir := t.TempDir()
	bad := "package tfgate.custom\n\nimport rego.v1\n\nx contains f if {\n\tf := input.a +\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "bad.rego"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := New(context.Background(), Options{ExtraDirs: []string{dir}})
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "bad.rego")+":") {
		t.Fatalf("want error naming bad.rego:line, got %v", err)
	}
}

func TestUnknownValueWarnsInEveryEnvironment(t *testing.T) {
	e := newEngine(t, Options{})
	r := rc("aws_db_instance", "main", []string{"create"}, map[string]any{
		"multi_az": true, "storage_encrypted": true, "backup_retention_period": 7,
		"publicly_accessible": false, "skip_final_snapshot": false,
	})
	r["change"].(map[string]any)["after_unknown"] = map[string]any{"deletion_protection": true}
	for _, env := range []string{"dev", "staging", "production"} {
		fs, err := e.Evaluate(context.Background(), planOf(r), env)
		if err != nil {
			t.Fatal(err)
		}
		f := find(fs, "RDS-001", "aws_db_instance.main")
		if f == nil || !f.Unknown || f.Enforcement != result.Warning {
			t.Fatalf("%s: want an unknown RDS-001 warning, got %+v", env, f)
		}
	}
}

func TestExtraDirs(t *testing.T) {
	// The repository's own policies/ replaces the embedded copy instead of
	// being loaded twice.
	e := newEngine(t, Options{ExtraDirs: []string{"../../policies"}})
	if n := len(e.Rules()); n < 30 {
		t.Fatalf("%d rules", n)
	}
	// A custom rule using the library is added to it.
	dir := t.TempDir()
	custom := `package tfgate.custom.naming

import rego.v1

import data.tfgate.lib

# METADATA
# title: Buckets are named with the project prefix
# custom:
#   id: CUSTOM-001
#   severity: low
prefix contains f if {
	some rc in lib.live("aws_s3_bucket")
	not startswith(lib.after(rc, "bucket"), "saprism-")
	f := lib.finding(rego.metadata.rule(), lib.violation(rc, "bucket", "bucket name lacks the project prefix"))
}

# METADATA
# title: Plain message rule
# custom:
#   id: CUSTOM-002
#   severity: medium
#   enforcement: {production: deny}
plain contains "no plan changes" if count(input.resource_changes) == 0
`
	if err := os.WriteFile(filepath.Join(dir, "naming.rego"), []byte(custom), 0o644); err != nil {
		t.Fatal(err)
	}
	e = newEngine(t, Options{ExtraDirs: []string{dir}})
	fs, err := e.Evaluate(context.Background(), planOf(rc("aws_s3_bucket", "b", []string{"create"}, map[string]any{"bucket": "other"})), "production")
	if err != nil {
		t.Fatal(err)
	}
	f := find(fs, "CUSTOM-001", "aws_s3_bucket.b")
	if f == nil || f.Enforcement != result.Advisory || f.Attribute != "bucket" {
		t.Fatalf("CUSTOM-001 = %+v", f)
	}
	fs, err = e.Evaluate(context.Background(), planOf(), "production")
	if err != nil {
		t.Fatal(err)
	}
	if f := find(fs, "CUSTOM-002", ""); f == nil || f.Message != "no plan changes" || f.Enforcement != result.Deny {
		t.Fatalf("CUSTOM-002 = %+v", f)
	}
}

func TestRulesMetadata(t *testing.T) {
	e := newEngine(t, Options{})
	rules := e.Rules()
	if len(rules) < 30 {
		t.Fatalf("library has %d rules, want >= 30", len(rules))
	}
	for _, r := range rules {
		if r.Title == "" || r.Description == "" || r.Remediation == "" || len(r.Docs) == 0 || r.Package == "" {
			t.Errorf("%s: incomplete metadata %+v", r.ID, r)
		}
		for _, env := range []string{"dev", "staging", "production"} {
			if r.Enforcement[env] == "" {
				t.Errorf("%s: no enforcement for %s", r.ID, env)
			}
		}
	}
	if e.Hash() == "" || e.Hash() != newEngine(t, Options{}).Hash() {
		t.Error("policy hash empty or unstable")
	}
}

func TestEvalErrorFailsClosed(t *testing.T) {
	dir := t.TempDir()
	// Two values for one complete rule: a runtime conflict.
	bad := "package tfgate.custom.bad\n\nimport rego.v1\n\n# METADATA\n# title: bad\n# custom:\n#   id: BAD-001\n#   severity: low\nx := v if some v in input.resource_changes\n"
	if err := os.WriteFile(filepath.Join(dir, "bad.rego"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	e := newEngine(t, Options{ExtraDirs: []string{dir}})
	fs, err := e.Evaluate(context.Background(), planOf(rc("aws_sns_topic", "a", []string{"create"}, map[string]any{}), rc("aws_sns_topic", "b", []string{"create"}, map[string]any{})), "dev")
	if err == nil || fs != nil || !strings.Contains(err.Error(), "bad.rego:10") {
		t.Fatalf("want an error naming bad.rego:10 and no findings, got %v, %d findings", err, len(fs))
	}
}

// customRule is a --policy dir's rule file: package tfgate.custom.<name>
// with one rule <name> (id, severity low) whose body is body.
func customRule(name, id, body string) string {
	return "package tfgate.custom." + name + "\n\nimport rego.v1\n\n# METADATA\n# title: " + name +
		"\n# custom:\n#   id: " + id + "\n#   severity: low\n" + name + " contains msg if {\n" + body + "}\n"
}

func writeRego(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestMetadataErrors(t *testing.T) {
	rule := func(id, sev, enf string) string {
		return "package tfgate.custom.m\n\nimport rego.v1\n\n# METADATA\n# title: t\n# custom:\n#   id: " + id +
			"\n#   severity: " + sev + enf + "\nr contains \"x\" if false\n"
	}
	cases := map[string]struct{ text, want string }{
		"bad severity":    {rule("M-1", "urgent", ""), "m.rego:5: rule M-1: custom.severity"},
		"bad enforcement": {rule("M-1", "low", "\n#   enforcement: {dev: block}"), "enforcement dev: block"},
		"duplicate id":    {rule("RDS-001", "low", ""), "rule id RDS-001 already used"},
	}
	for name, c := range cases {
		dir := writeRego(t, map[string]string{"m.rego": c.text})
		_, err := New(context.Background(), Options{ExtraDirs: []string{dir}})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", name, err, c.want)
		}
	}
}

func TestTestReportsFailures(t *testing.T) {
	dir := writeRego(t, map[string]string{"x_test.rego": "package tfgate.test.x\n\nimport rego.v1\n\ntest_fails if false\n\ntest_passes if true\n"})
	var out strings.Builder
	ok, err := Test(context.Background(), []string{dir}, &out, false)
	if err != nil {
		t.Fatal(err)
	}
	if ok || !strings.Contains(out.String(), "test_fails") || !strings.Contains(out.String(), "FAIL") {
		t.Fatalf("ok=%v output:\n%s", ok, out.String())
	}
}

// Plans from other repositories can be odd: blocks null, attributes
// missing, after_unknown absent. Builtins raise errors (strict mode, so a
// rule bug fails closed with file:line), so the library must not trip on
// such shapes.
func TestOddShapesDoNotError(t *testing.T) {
	e := newEngine(t, Options{})
	types := []string{
		"aws_db_instance", "aws_rds_cluster", "aws_s3_bucket", "aws_s3_bucket_public_access_block",
		"aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_policy", "aws_s3_bucket_versioning",
		"aws_s3_account_public_access_block", "aws_codepipeline", "aws_lb", "aws_alb", "aws_lb_listener",
		"aws_wafv2_web_acl", "aws_wafv2_web_acl_association", "aws_ecs_cluster", "aws_ecs_task_definition",
		"aws_ecs_service", "aws_ecr_repository", "aws_sns_topic", "aws_cloudwatch_log_group", "aws_ssm_parameter",
		"aws_kms_key", "aws_cognito_user_pool", "aws_security_group", "aws_security_group_rule",
		"aws_vpc_security_group_ingress_rule", "aws_vpc", "aws_flow_log", "aws_cloudfront_distribution",
		"aws_elb", "aws_instance", "aws_launch_template", "aws_launch_configuration", "aws_ebs_volume",
		"aws_ebs_encryption_by_default", "aws_subnet", "aws_default_security_group", "aws_network_acl",
		"aws_network_acl_rule", "aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy",
		"aws_iam_policy_attachment", "aws_iam_role_policy_attachment", "aws_iam_role",
		"aws_iam_account_password_policy", "aws_sqs_queue", "aws_sqs_queue_policy", "aws_sns_topic_policy",
		"aws_db_parameter_group", "aws_ecr_lifecycle_policy", "aws_wafv2_web_acl_logging_configuration",
		"aws_s3_bucket_logging", "aws_s3_bucket_acl", "aws_s3_bucket_ownership_controls",
		"aws_s3_bucket_lifecycle_configuration", "aws_ecs_task_set",
	}
	attrs := []string{
		"bucket", "id", "arn", "name", "type", "policy", "rule", "protocol", "ssl_policy", "default_action",
		"internal", "security_groups", "security_group_id", "vpc_id", "resource_arn", "container_definitions",
		"setting", "ingress", "cidr_blocks", "cidr_ipv4", "from_port", "to_port", "ip_protocol",
		"viewer_certificate", "default_cache_behavior", "ordered_cache_behavior", "password_policy",
		"image_scanning_configuration", "encryption_configuration", "versioning_configuration",
		"artifact_store", "network_configuration", "tags", "tags_all", "kms_key_id", "retention_in_days",
		"listener", "metadata_options", "root_block_device", "ebs_block_device", "block_device_mappings",
		"network_interfaces", "egress", "parameter", "family", "users", "managed_policy_arns", "access_logs",
		"user_pool_add_ons", "access_control_policy", "acl", "policy_arn", "enabled", "encrypted",
		"minimum_password_length", "password_reuse_prevention", "launch_type", "platform_version",
		"network_mode", "pid_mode", "target_bucket", "repository", "customer_master_key_spec",
		"enable_key_rotation", "is_enabled", "deletion_window_in_days", "username", "master_username",
		"enabled_cloudwatch_logs_exports", "monitoring_interval", "sqs_managed_sse_enabled",
		"kms_master_key_id", "desync_mitigation_mode", "associate_public_ip_address", "cidr_ipv6",
		"ipv6_cidr_blocks", "cidr_block", "rule_action", "load_balancer_type",
	}
	shapes := map[string]func() map[string]any{
		"empty": func() map[string]any { return map[string]any{} },
		"nulls": func() map[string]any {
			m := map[string]any{}
			for _, a := range attrs {
				m[a] = nil
			}
			return m
		},
		"strings": func() map[string]any {
			m := map[string]any{}
			for _, a := range attrs {
				m[a] = "x"
			}
			return m
		},
		"numbers": func() map[string]any {
			m := map[string]any{}
			for _, a := range attrs {
				m[a] = 1
			}
			return m
		},
		"objects": func() map[string]any {
			m := map[string]any{}
			for _, a := range attrs {
				m[a] = map[string]any{"a": nil}
			}
			return m
		},
		"lists of strings": func() map[string]any {
			m := map[string]any{}
			for _, a := range attrs {
				m[a] = []any{"x", 1}
			}
			return m
		},
		"lists of nulls": func() map[string]any {
			m := map[string]any{}
			for _, a := range attrs {
				m[a] = []any{nil}
			}
			return m
		},
	}
	for name, shape := range shapes {
		var rcs []map[string]any
		for _, typ := range types {
			r := rc(typ, "x", []string{"create"}, shape())
			delete(r["change"].(map[string]any), "after_unknown")
			rcs = append(rcs, r)
		}
		if _, err := e.Evaluate(context.Background(), planOf(rcs...), "production"); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
