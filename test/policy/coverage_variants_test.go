package policy

import (
	"encoding/json"
	"testing"

	"github.com/saprism/tfgate/test/internal/harness"
)

// Variants for the rules about settings the stack gets right and resource
// types it does not use (classic ELBs, launch templates, IAM users, SQS):
// each edits the stack's real plan or adds resources in the shape a
// registry module would plan them.
func init() { variants = append(variants, libraryVariants...) }

func policyJSON(stmt map[string]any) string {
	b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{stmt}})
	return string(b)
}

var libraryVariants = []variant{
	{name: "nlb_without_deletion_protection", kind: "mutation", want: []string{"ALB-001"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.Add(t, "aws_lb", "internal_nlb", map[string]any{"name": "svc-nlb", "load_balancer_type": "network", "internal": true, "enable_deletion_protection": false})
		}},
	{name: "alb_access_logs_off", kind: "mutation", want: []string{"ALB-005"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.Set(t, "aws_lb", "access_logs", []any{map[string]any{"enabled": false, "bucket": "", "prefix": ""}})
		}},
	{name: "alb_desync_monitor", kind: "mutation", want: []string{"ALB-006"},
		mutate: func(t *testing.T, d *harness.Doc) { d.Set(t, "aws_lb", "desync_mitigation_mode", "monitor") }},
	{name: "classic_elb_plain_http", kind: "mutation", want: []string{"ALB-007", "ALB-008", "ALB-009"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.Add(t, "aws_elb", "legacy", map[string]any{"name": "legacy", "connection_draining": false, "cross_zone_load_balancing": false,
				"listener": []any{map[string]any{"lb_protocol": "HTTP", "lb_port": 80, "instance_protocol": "HTTP", "instance_port": 8080}}})
		}},
	{name: "cognito_threat_protection_audit", kind: "mutation", want: []string{"COG-004"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.Set(t, "aws_cognito_user_pool", "user_pool_add_ons", []any{map[string]any{"advanced_security_mode": "AUDIT"}})
		}},
	{name: "launch_template_insecure", kind: "mutation", want: []string{"EC2-001", "EC2-002", "EC2-003"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.Add(t, "aws_launch_template", "workers", map[string]any{
				"name":                  "workers",
				"metadata_options":      []any{map[string]any{"http_tokens": "optional"}},
				"network_interfaces":    []any{map[string]any{"associate_public_ip_address": "true"}},
				"block_device_mappings": []any{map[string]any{"device_name": "/dev/xvda", "ebs": []any{map[string]any{"encrypted": "false"}}}},
			})
		}},
	{name: "subnets_assign_public_ips", kind: "mutation", want: []string{"EC2-004"},
		mutate: func(t *testing.T, d *harness.Doc) { d.Set(t, "aws_subnet", "map_public_ip_on_launch", true) }},
	{name: "default_security_group_open", kind: "mutation", want: []string{"EC2-005"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.Known("aws_default_security_group", "ingress")
			d.Set(t, "aws_default_security_group", "ingress", []any{map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "self": true, "cidr_blocks": []any{}}})
		}},
	{name: "ecr_lifecycle_removed", kind: "mutation", want: []string{"ECR-004"},
		mutate: func(t *testing.T, d *harness.Doc) { d.Remove(t, "aws_ecr_lifecycle_policy") }},
	// The stack's own task definition keeps a writable root (advisory,
	// argued in policies/README.md): a worker task from elsewhere is new.
	{name: "container_writable_root", kind: "mutation", want: []string{"ECS-006"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.Add(t, "aws_ecs_task_definition", "worker", map[string]any{"family": "worker", "network_mode": "awsvpc", "container_definitions": container(nil, false, true)})
		}},
	{name: "task_host_pid", kind: "mutation", want: []string{"ECS-007"},
		mutate: func(t *testing.T, d *harness.Doc) { d.Set(t, "aws_ecs_task_definition", "pid_mode", "host") }},
	{name: "task_host_network_root", kind: "mutation", want: []string{"ECS-008"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.Set(t, "aws_ecs_task_definition", "network_mode", "host")
			setTaskDef(d, t, container(nil, false, true))
		}},
	{name: "fargate_platform_pinned", kind: "mutation", want: []string{"ECS-009"},
		mutate: func(t *testing.T, d *harness.Doc) { d.Set(t, "aws_ecs_service", "platform_version", "1.3.0") }},
	{name: "iam_admin_policy", kind: "mutation", want: []string{"IAM-001", "IAM-002"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.Add(t, "aws_iam_policy", "admin", map[string]any{"name": "admin", "policy": policyJSON(map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"})})
		}},
	{name: "iam_user_attachment", kind: "mutation", want: []string{"IAM-003"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.Add(t, "aws_iam_user_policy_attachment", "alice", map[string]any{"user": "alice", "policy_arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"})
		}},
	{name: "iam_administrator_access", kind: "mutation", want: []string{"IAM-004"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.Add(t, "aws_iam_role_policy_attachment", "admin", map[string]any{"role": "ops", "policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"})
		}},
	{name: "iam_weak_password_policy", kind: "mutation", want: []string{"IAM-005"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.Add(t, "aws_iam_account_password_policy", "strict", map[string]any{"minimum_password_length": 8})
		}},
	{name: "kms_key_disabled", kind: "mutation", want: []string{"KMS-003"},
		mutate: func(t *testing.T, d *harness.Doc) { d.Set(t, "aws_kms_key", "is_enabled", false) }},
	{name: "all_traffic_open_to_internet", kind: "mutation", want: []string{"NET-001", "NET-003", "NET-005"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.EditAddress(t, "aws_vpc_security_group_ingress_rule.app_from_alb", func(a map[string]any) {
				a["cidr_ipv4"] = "0.0.0.0/0"
				a["ip_protocol"] = "-1"
				a["from_port"] = nil
				a["to_port"] = nil
				a["referenced_security_group_id"] = nil
			})
		}},
	{name: "nacl_ssh_from_internet", kind: "mutation", want: []string{"NET-004"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.Add(t, "aws_network_acl_rule", "ssh", map[string]any{"egress": false, "rule_action": "allow", "rule_number": 100, "cidr_block": "0.0.0.0/0", "from_port": 22, "to_port": 22, "protocol": "6"})
		}},
	{name: "rds_operational_settings_off", kind: "mutation", want: []string{"RDS-007", "RDS-008", "RDS-009", "RDS-010", "RDS-011", "RDS-013"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.Set(t, "aws_db_instance", "iam_database_authentication_enabled", false)
			d.Set(t, "aws_db_instance", "monitoring_interval", 0)
			d.Set(t, "aws_db_instance", "auto_minor_version_upgrade", false)
			d.Set(t, "aws_db_instance", "copy_tags_to_snapshot", false)
			d.Known("aws_db_instance", "enabled_cloudwatch_logs_exports")
			d.Set(t, "aws_db_instance", "enabled_cloudwatch_logs_exports", []any{})
			d.Set(t, "aws_db_instance", "username", "postgres")
		}},
	{name: "rds_parameter_group_without_tls", kind: "mutation", want: []string{"RDS-012"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.Add(t, "aws_db_parameter_group", "legacy", map[string]any{"name": "legacy", "family": "postgres14", "parameter": []any{}})
		}},
	{name: "bare_bucket_added", kind: "mutation", want: []string{"S3-006", "S3-007"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.Add(t, "aws_s3_bucket", "scratch", map[string]any{"bucket": "scratch-bucket", "force_destroy": false})
		}},
	{name: "bucket_public_acl", kind: "mutation", want: []string{"S3-008"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.Add(t, "aws_s3_bucket_acl", "public", map[string]any{"bucket": "saprism-production-app", "acl": "public-read"})
		}},
	{name: "bucket_acls_enabled", kind: "mutation", want: []string{"S3-009"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.Edit(t, "aws_s3_bucket_ownership_controls", func(a map[string]any) {
				a["rule"] = []any{map[string]any{"object_ownership": "ObjectWriter"}}
			})
		}},
	{name: "public_unencrypted_queue", kind: "mutation", want: []string{"SQS-001", "SQS-002"},
		mutate: func(t *testing.T, d *harness.Doc) {
			d.Add(t, "aws_sqs_queue", "jobs", map[string]any{"name": "jobs", "sqs_managed_sse_enabled": false, "kms_master_key_id": nil,
				"policy": policyJSON(map[string]any{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*"})})
		}},
	{name: "waf_logging_removed", kind: "mutation", want: []string{"WAF-004"},
		mutate: func(t *testing.T, d *harness.Doc) { d.Remove(t, "aws_wafv2_web_acl_logging_configuration") }},
}
