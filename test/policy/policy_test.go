// Package policy is the policy-regression suite: variants of the real
// production plan, each expected to trip specific rules of tfgate's library
// when run through tfgate's gate (internal/gate, the same path as `tfgate
// check`), and a coverage check that every rule the engine knows fires in
// at least one variant.
//
// Real plans are slow (~10 s on an idle 2-core machine, minutes on a busy
// one), so only two are made: the production baseline and production with
// insecure -var overrides. Every other variant is a JSON mutation of the
// baseline plan (resource_changes and planned_values edited together), which
// is exactly what the policies read. Each case says which kind it is.
package policy

import (
	"encoding/json"

	"sort"
	"strings"
	"testing"

	"github.com/saprism/tfgate/internal/result"
	"github.com/saprism/tfgate/test/internal/harness"
)

// variant is one regression case.
type variant struct {
	name string
	// kind is "real plan" (terraform plan with -var overrides on
	// production.tfvars) or "mutation" (an edit of the baseline plan JSON).
	kind   string
	vars   map[string]any
	mutate func(t *testing.T, d *harness.Doc)
	// want: rule ids that must fire on a resource of the variant that did
	// not have that finding in the baseline plan.
	want []string
	// attr, when set, is the attribute the first wanted rule must name
	// (e.g. the attribute that forces a replacement).
	attr string
}

// insecureVars turn production.tfvars' "Production Readiness" settings off.
var insecureVars = map[string]any{
	"enable_deletion_protection":  false,
	"multi_az":                    false,
	"db_backup_retention_period":  1,
	"skip_final_snapshot":         true,
	"kms_deletion_window_days":    7,
	"cognito_mfa_configuration":   "OPTIONAL",
	"cognito_password_min_length": 8,
	"enable_container_insights":   false,
	"enable_flow_logs":            false,
}

// container is a task-definition container for the ECS variants (the
// stack's container_definitions is only known after apply, so the variants
// give it a known value).
func container(env []map[string]string, privileged, logs bool) string {
	c := map[string]any{
		"name": "app", "image": "app:latest", "essential": true,
		"environment": env,
		"secrets":     []map[string]string{{"name": "OPENAI_API_KEY", "valueFrom": "arn:aws:ssm:us-east-1:123456789012:parameter/saprism/production/openai_api_key"}},
	}
	if privileged {
		c["privileged"] = true
	}
	if logs {
		c["logConfiguration"] = map[string]any{"logDriver": "awslogs", "options": map[string]string{"awslogs-group": "/ecs/saprism-production"}}
	}
	b, _ := json.Marshal([]any{c})
	return string(b)
}

func setTaskDef(d *harness.Doc, t *testing.T, js string) {
	d.Known("aws_ecs_task_definition", "container_definitions")
	d.Set(t, "aws_ecs_task_definition", "container_definitions", js)
}

var variants = []variant{
	{name: "insecure_production_tfvars", kind: "real plan", vars: insecureVars,
		want: []string{"RDS-001", "ALB-001", "COG-003", "RDS-002", "RDS-004", "RDS-006", "KMS-002", "COG-002", "COG-001", "ECS-001", "NET-002"}},

	{name: "waf_association_removed", kind: "mutation", want: []string{"WAF-001"},
		mutate: func(t *testing.T, d *harness.Doc) { d.Remove(t, "aws_wafv2_web_acl_association") }},
	{name: "waf_rate_rule_removed", kind: "mutation", want: []string{"WAF-002"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.Edit(t, "aws_wafv2_web_acl", func(a map[string]any) { a["rule"] = filterRules(a["rule"], "rate_based_statement") })
		}},
	{name: "waf_managed_groups_removed", kind: "mutation", want: []string{"WAF-003"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.Edit(t, "aws_wafv2_web_acl", func(a map[string]any) { a["rule"] = filterRules(a["rule"], "managed_rule_group_statement") })
		}},
	{name: "rds_replaced", kind: "mutation", want: []string{"STATE-001"}, attr: "engine_version",
		mutate: func(t *testing.T, d *harness.Doc) { d.Replace(t, "aws_db_instance", "engine_version", "15") }},
	{name: "app_bucket_deleted", kind: "mutation", want: []string{"STATE-001"},
		mutate: func(t *testing.T, d *harness.Doc) { d.Delete(t, "aws_s3_bucket") }},
	{name: "rds_unencrypted", kind: "mutation", want: []string{"RDS-003"},
		mutate: func(t *testing.T, d *harness.Doc) { d.Set(t, "aws_db_instance", "storage_encrypted", false) }},
	{name: "rds_public", kind: "mutation", want: []string{"RDS-005"},
		mutate: func(t *testing.T, d *harness.Doc) { d.Set(t, "aws_db_instance", "publicly_accessible", true) }},
	{name: "plaintext_secret_in_task_env", kind: "mutation", want: []string{"ECS-002"},
		mutate: func(t *testing.T, d *harness.Doc) {
			setTaskDef(d, t, container([]map[string]string{{"name": "NODE_ENV", "value": "production"}, {"name": "OPENAI_API_KEY", "value": "plaintext-canary"}}, false, true))
		}},
	{name: "privileged_container", kind: "mutation", want: []string{"ECS-003"},
		mutate: func(t *testing.T, d *harness.Doc) { setTaskDef(d, t, container(nil, true, true)) }},
	{name: "container_without_logs", kind: "mutation", want: []string{"ECS-004"},
		mutate: func(t *testing.T, d *harness.Doc) { setTaskDef(d, t, container(nil, false, false)) }},
	{name: "ecs_public_ip", kind: "mutation", want: []string{"ECS-005"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.Edit(t, "aws_ecs_service", func(a map[string]any) {
				if nc, ok := harness.Get(a, "network_configuration", 0); ok {
					nc.(map[string]any)["assign_public_ip"] = true
				}
			})
		}},
	{name: "app_port_open_to_internet", kind: "mutation", want: []string{"NET-001"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.EditAddress(t, "aws_vpc_security_group_ingress_rule.app_from_alb", func(a map[string]any) {
				a["cidr_ipv4"] = "0.0.0.0/0"
				a["referenced_security_group_id"] = nil
			})
		}},
	{name: "db_proxy_open_to_internet", kind: "mutation", want: []string{"NET-001"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.EditAddress(t, "aws_vpc_security_group_ingress_rule.db_proxy_from_app[0]", func(a map[string]any) {
				a["cidr_ipv4"] = "0.0.0.0/0"
				a["referenced_security_group_id"] = nil
			})
		}},
	{name: "backup_vault_deleted", kind: "mutation", want: []string{"STATE-001"},
		mutate: func(t *testing.T, d *harness.Doc) { d.Delete(t, "aws_backup_vault") }},
	{name: "s3_public_access_block_removed", kind: "mutation", want: []string{"S3-001"},
		mutate: func(t *testing.T, d *harness.Doc) { d.Remove(t, "aws_s3_bucket_public_access_block") }},
	{name: "s3_encryption_removed", kind: "mutation", want: []string{"S3-002"},
		mutate: func(t *testing.T, d *harness.Doc) { d.Remove(t, "aws_s3_bucket_server_side_encryption_configuration") }},
	{name: "s3_tls_policy_removed", kind: "mutation", want: []string{"S3-003"},
		mutate: func(t *testing.T, d *harness.Doc) { d.Remove(t, "aws_s3_bucket_policy") }},
	{name: "artifacts_bucket_aes256", kind: "mutation", want: []string{"S3-004"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.EditAddress(t, "aws_s3_bucket_server_side_encryption_configuration.artifacts[0]", func(a map[string]any) {
				if def, ok := harness.Get(a, "rule", 0, "apply_server_side_encryption_by_default", 0); ok {
					def.(map[string]any)["sse_algorithm"] = "AES256"
					def.(map[string]any)["kms_master_key_id"] = nil
				}
			})
		}},
	{name: "s3_versioning_suspended", kind: "mutation", want: []string{"S3-005"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.Edit(t, "aws_s3_bucket_versioning", func(a map[string]any) {
				if vc, ok := harness.Get(a, "versioning_configuration", 0); ok {
					vc.(map[string]any)["status"] = "Suspended"
				}
			})
		}},
	{name: "sns_unencrypted", kind: "mutation", want: []string{"SNS-001"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.Known("aws_sns_topic", "kms_master_key_id")
			d.Set(t, "aws_sns_topic", "kms_master_key_id", "")
		}},
	{name: "log_retention_unset", kind: "mutation", want: []string{"LOG-001"},
		mutate: func(t *testing.T, d *harness.Doc) { d.Set(t, "aws_cloudwatch_log_group", "retention_in_days", 0) }},
	{name: "log_group_unencrypted", kind: "mutation", want: []string{"LOG-002"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.Known("aws_cloudwatch_log_group", "kms_key_id")
			d.Set(t, "aws_cloudwatch_log_group", "kms_key_id", nil)
		}},
	{name: "kms_rotation_off", kind: "mutation", want: []string{"KMS-001"},
		mutate: func(t *testing.T, d *harness.Doc) { d.Set(t, "aws_kms_key", "enable_key_rotation", false) }},
	{name: "ecr_scan_off", kind: "mutation", want: []string{"ECR-001"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.Set(t, "aws_ecr_repository", "image_scanning_configuration", []any{map[string]any{"scan_on_push": false}})
		}},
	{name: "ecr_unencrypted", kind: "mutation", want: []string{"ECR-002"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.Known("aws_ecr_repository", "encryption_configuration")
			d.Set(t, "aws_ecr_repository", "encryption_configuration", []any{map[string]any{"encryption_type": "NONE", "kms_key": ""}})
		}},
	{name: "ecr_mutable_tags", kind: "mutation", want: []string{"ECR-003"},
		mutate: func(t *testing.T, d *harness.Doc) { d.Set(t, "aws_ecr_repository", "image_tag_mutability", "MUTABLE") }},
	{name: "cloudfront_allows_http", kind: "mutation", want: []string{"CF-001"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.Edit(t, "aws_cloudfront_distribution", func(a map[string]any) {
				if b, ok := harness.Get(a, "default_cache_behavior", 0); ok {
					b.(map[string]any)["viewer_protocol_policy"] = "allow-all"
				}
			})
		}},
	{name: "cloudfront_tls10", kind: "mutation", want: []string{"CF-002"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.Edit(t, "aws_cloudfront_distribution", func(a map[string]any) {
				if v, ok := harness.Get(a, "viewer_certificate", 0); ok {
					v.(map[string]any)["minimum_protocol_version"] = "TLSv1"
				}
			})
		}},
	{name: "https_listener_old_tls", kind: "mutation", want: []string{"ALB-002"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.EditAddress(t, "aws_lb_listener.https[0]", func(a map[string]any) { a["ssl_policy"] = "ELBSecurityPolicy-2016-08" })
		}},
	{name: "http_listener_forwards", kind: "mutation", want: []string{"ALB-003"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.EditAddress(t, "aws_lb_listener.http", func(a map[string]any) {
				a["default_action"] = []any{map[string]any{"type": "forward", "redirect": []any{}, "order": 1}}
			})
		}},
	{name: "alb_keeps_invalid_headers", kind: "mutation", want: []string{"ALB-004"},
		mutate: func(t *testing.T, d *harness.Doc) { d.Set(t, "aws_lb", "drop_invalid_header_fields", false) }},
	{name: "secret_parameter_plain_string", kind: "mutation", want: []string{"SSM-001"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.EditAddress(t, `aws_ssm_parameter.external["openai_api_key"]`, func(a map[string]any) { a["type"] = "String" })
		}},
	{name: "required_tag_missing", kind: "mutation", want: []string{"TAG-001"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.Edit(t, "aws_vpc", func(a map[string]any) {
				if tags, ok := a["tags_all"].(map[string]any); ok {
					delete(tags, "Project")
				}
			})
		}},
}

// filterRules drops the WAF rules whose statement has the given block.
func filterRules(rules any, block string) []any {
	var keep []any
	for _, r := range harness.List(rules) {
		if _, has := harness.Get(r, "statement", 0, block, 0); has {
			continue
		}
		keep = append(keep, r)
	}
	return keep
}

func key(f result.Finding) string { return f.RuleID + " " + f.Address }

func TestPolicyRegression(t *testing.T) {
	cfg := harness.Config(t)
	rules := harness.Engine(t, cfg).Rules()
	if len(rules) == 0 {
		t.Fatalf("the policy engine has no rules")
	}
	enforcement := map[string]result.Enforcement{}
	for _, r := range rules {
		enforcement[r.ID] = r.Enforcement["production"]
	}

	emu := harness.Emulator(t)
	emuEnv := harness.EmulatorEnv(emu)
	plans := map[string]*harness.Plan{}
	if !harness.Stage(t, "real_plans", func(t *testing.T) {
		plans["baseline"] = harness.PlanEnv(t, harness.IsolatedConfig(t), "production", emuEnv, nil)
		for _, v := range variants {
			if v.kind == "real plan" {
				plans[v.name] = harness.PlanEnv(t, harness.IsolatedConfig(t), "production", emuEnv, v.vars)
			}
		}
	}) {
		return
	}
	// The emulator is only needed for the data sources of the real plans.
	_ = emu.Stop()

	base := harness.Gate(t, "production", "baseline", plans["baseline"].JSON)
	seen := map[string]bool{}
	for _, f := range base.Findings {
		if !f.Unknown {
			seen[key(f)] = true
		}
	}
	t.Logf("baseline production: verdict %s, %d findings", base.Verdict, len(base.Findings))

	fired := map[string][]string{} // rule id -> cases that newly fired it
	harness.Stage(t, "variants", func(t *testing.T) {
		for _, v := range variants {
			t.Run(v.name, func(t *testing.T) {
				var js []byte
				switch v.kind {
				case "real plan":
					js = plans[v.name].JSON
				case "mutation":
					d := harness.Mutable(t, plans["baseline"].JSON)
					v.mutate(t, d)
					js = d.Bytes(t)
				default:
					t.Fatalf("unknown kind %q", v.kind)
				}
				res := harness.Gate(t, "production", v.name, js)
				newly := map[string][]result.Finding{}
				for _, f := range res.Findings {
					if !f.Unknown && !f.Waived && !seen[key(f)] {
						newly[f.RuleID] = append(newly[f.RuleID], f)
						fired[f.RuleID] = appendOnce(fired[f.RuleID], v.name)
					}
				}
				deny := false
				for _, id := range v.want {
					fs := newly[id]
					if len(fs) == 0 {
						t.Errorf("%s (%s): rule %s did not fire; new findings:\n%s", v.name, v.kind, id, describeNew(newly))
						continue
					}
					for _, f := range fs {
						if f.Address == "" || f.Message == "" {
							t.Errorf("%s: finding without address or message: %+v", id, f)
						}
						if f.Enforcement != enforcement[id] {
							t.Errorf("%s: enforcement %s in production, the rule says %s", id, f.Enforcement, enforcement[id])
						}
					}
					if enforcement[id] == result.Deny {
						deny = true
					}
				}
				if v.attr != "" && len(newly[v.want[0]]) > 0 {
					f := newly[v.want[0]][0]
					if f.Attribute != v.attr && !strings.Contains(f.Message, v.attr) {
						t.Errorf("%s: finding names neither attribute nor message %q: attribute=%q message=%q", v.want[0], v.attr, f.Attribute, f.Message)
					}
				}
				if deny && res.Verdict != result.Fail {
					t.Errorf("%s: a deny rule fired but the production verdict is %s", v.name, res.Verdict)
				}
				if v.kind == "real plan" {
					devGate(t, v, js)
				}
			})
		}
	})

	harness.Stage(t, "rule_coverage", func(t *testing.T) {
		var never []string
		for _, r := range rules {
			if len(fired[r.ID]) == 0 {
				never = append(never, r.ID+" ("+r.Title+")")
			}
		}
		sort.Strings(never)
		if len(never) > 0 {
			t.Errorf("%d of %d rules never fired in any variant (add a case, or the rule is dead):\n  %s",
				len(never), len(rules), strings.Join(never, "\n  "))
		} else {
			t.Logf("all %d rules fired in at least one of %d variants", len(rules), len(variants))
		}
	})
}

// devGate: the same insecure plan gated as dev is reported, not failed
// (dev enforcement is advisory for these rules).
func devGate(t *testing.T, v variant, js []byte) {
	res := harness.Gate(t, "dev", v.name+" as dev", js)
	if res.Verdict == result.Fail {
		t.Errorf("%s gated as dev: verdict fail; findings:\n%s", v.name, harness.Describe(res.Findings))
	}
	ids := map[string]bool{}
	for _, f := range res.Findings {
		ids[f.RuleID] = true
	}
	for _, id := range v.want {
		if !ids[id] {
			t.Errorf("%s gated as dev: %s is not reported (dev reports, it does not hide)", v.name, id)
		}
	}
}

func describeNew(m map[string][]result.Finding) string {
	var all []result.Finding
	for _, fs := range m {
		all = append(all, fs...)
	}
	if len(all) == 0 {
		return "  (none)"
	}
	return harness.Describe(all)
}

func appendOnce(l []string, s string) []string {
	for _, x := range l {
		if x == s {
			return l
		}
	}
	return append(l, s)
}
