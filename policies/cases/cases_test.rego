# Every rule's three cases, used by the sweep below and by internal/policy's
# TestEveryRuleCase (Go, through the engine): "pass" yields no finding of
# the rule, "fail" a definite one, "unknown" (the rule's attribute known
# only after apply) an unknown finding and no definite one. A rule that can
# never see an unknown value says why in "no_unknown".
package tfgate.cases

import rego.v1

import data.tfgate.fixtures as fx

one(t, after) := fx.plan([fx.rc(t, "x", after)])

unk(t, after, u) := fx.plan([fx.rc_unknown(t, "x", after, u)])

two(a, b) := fx.plan([a, b])

rc(t, name, after) := fx.rc(t, name, after)

ru(t, name, after, u) := fx.rc_unknown(t, name, after, u)

js(x) := json.marshal(x)

doc(stmts) := js({"Version": "2012-10-17", "Statement": stmts})

db := {
	"deletion_protection": true, "multi_az": true, "storage_encrypted": true, "backup_retention_period": 7,
	"publicly_accessible": false, "skip_final_snapshot": false, "iam_database_authentication_enabled": true,
	"monitoring_interval": 60, "auto_minor_version_upgrade": true, "copy_tags_to_snapshot": true,
	"enabled_cloudwatch_logs_exports": ["postgresql"], "username": "app_admin",
}

db_case(attr, bad) := {
	"pass": one("aws_db_instance", db),
	"fail": one("aws_db_instance", object.union(db, {attr: bad})),
	"unknown": unk("aws_db_instance", object.remove(db, [attr]), {attr: true}),
}

bool_case(t, attr, good, bad) := {
	"pass": one(t, {attr: good}),
	"fail": one(t, {attr: bad}),
	"unknown": unk(t, {}, {attr: true}),
}

block_case(t, block, attr, good, bad) := {
	"pass": one(t, {block: [{attr: good}]}),
	"fail": one(t, {block: [{attr: bad}]}),
	"unknown": unk(t, {block: [{}]}, {block: [{attr: true}]}),
}

# A bucket and a settings resource of type t pointing at it.
bucket := rc("aws_s3_bucket", "b", {"bucket": "app-data"})

settings_case(t, after) := {
	"pass": two(bucket, rc(t, "s", object.union({"bucket": "app-data"}, after))),
	"fail": fx.plan([bucket]),
	"unknown": two(bucket, ru(t, "s", after, {"bucket": true})),
}

listener(protocol, after) := object.union({"protocol": protocol}, after)

container(c) := js([object.union({"name": "app", "image": "app:1", "logConfiguration": {"logDriver": "awslogs"}, "readonlyRootFilesystem": true, "user": "1000"}, c)])

task(c) := one("aws_ecs_task_definition", {"container_definitions": container(c), "network_mode": "awsvpc"})

task_unknown := unk("aws_ecs_task_definition", {"network_mode": "awsvpc"}, {"container_definitions": true})

sg_rule(cidr, port) := {"type": "ingress", "cidr_blocks": [cidr], "from_port": port, "to_port": port, "protocol": "tcp", "security_group_id": "sg-1"}

vpc_rule(cidr, proto, port) := {"cidr_ipv4": cidr, "ip_protocol": proto, "from_port": port, "to_port": port, "security_group_id": "sg-1"}

nacl(cidr) := {"egress": false, "rule_action": "allow", "cidr_block": cidr, "from_port": 22, "to_port": 22, "protocol": "6"}

allow(action, resource) := doc([{"Effect": "Allow", "Action": action, "Resource": resource}])

pool := {"password_policy": [{"minimum_length": 14, "require_lowercase": true, "require_uppercase": true, "require_numbers": true, "require_symbols": true}]}

password := {
	"minimum_password_length": 14, "require_lowercase_characters": true, "require_uppercase_characters": true,
	"require_numbers": true, "require_symbols": true, "password_reuse_prevention": 24,
}

sse(alg) := {"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": alg}]}]}

artifacts := rc("aws_s3_bucket", "artifacts", {"bucket": "ci-artifacts"})

tls_policy := doc([{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}])

acl_rules(stmt) := [{"name": "r", "statement": [stmt]}]

lb := {"load_balancer_type": "application", "internal": false, "arn": "arn:lb", "enable_deletion_protection": true}

acl := {"arn": "arn:acl", "name": "web"}

req_tags(p) := fx.with_gate(p, {"required_tags": ["Project", "Environment"]})

cases := {
	"ALB-001": bool_case("aws_lb", "enable_deletion_protection", true, false),
	"ALB-002": {
		"pass": one("aws_lb_listener", listener("HTTPS", {"ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06"})),
		"fail": one("aws_lb_listener", listener("TLS", {"ssl_policy": "ELBSecurityPolicy-2016-08"})),
		"unknown": unk("aws_lb_listener", listener("TLS", {}), {"ssl_policy": true}),
	},
	"ALB-003": {
		"pass": one("aws_lb_listener", listener("HTTP", {"default_action": [{"type": "redirect", "redirect": [{"protocol": "HTTPS"}]}]})),
		"fail": one("aws_lb_listener", listener("HTTP", {"default_action": [{"type": "forward"}]})),
		"unknown": unk("aws_lb_listener", listener("HTTP", {}), {"default_action": true}),
	},
	"ALB-004": bool_case("aws_lb", "drop_invalid_header_fields", true, false),
	"ALB-005": block_case("aws_lb", "access_logs", "enabled", true, false),
	"ALB-006": bool_case("aws_lb", "desync_mitigation_mode", "defensive", "monitor"),
	"ALB-007": {
		"pass": one("aws_elb", {"listener": [{"lb_protocol": "HTTPS", "lb_port": 443}]}),
		"fail": one("aws_elb", {"listener": [{"lb_protocol": "HTTP", "lb_port": 80}]}),
		"unknown": unk("aws_elb", {}, {"listener": true}),
	},
	"ALB-008": bool_case("aws_elb", "connection_draining", true, false),
	"ALB-009": bool_case("aws_elb", "cross_zone_load_balancing", true, false),
	"CF-001": block_case("aws_cloudfront_distribution", "default_cache_behavior", "viewer_protocol_policy", "redirect-to-https", "allow-all"),
	"CF-002": block_case("aws_cloudfront_distribution", "viewer_certificate", "minimum_protocol_version", "TLSv1.2_2021", "TLSv1"),
	"COG-001": {
		"pass": one("aws_cognito_user_pool", pool),
		"fail": one("aws_cognito_user_pool", {"password_policy": [{"minimum_length": 8}]}),
		"unknown": unk("aws_cognito_user_pool", {}, {"password_policy": true}),
	},
	"COG-002": bool_case("aws_cognito_user_pool", "mfa_configuration", "ON", "OPTIONAL"),
	"COG-003": bool_case("aws_cognito_user_pool", "deletion_protection", "ACTIVE", "INACTIVE"),
	"COG-004": block_case("aws_cognito_user_pool", "user_pool_add_ons", "advanced_security_mode", "ENFORCED", "AUDIT"),
	"ECR-001": block_case("aws_ecr_repository", "image_scanning_configuration", "scan_on_push", true, false),
	"ECR-002": block_case("aws_ecr_repository", "encryption_configuration", "encryption_type", "KMS", "NONE"),
	"ECR-003": bool_case("aws_ecr_repository", "image_tag_mutability", "IMMUTABLE", "MUTABLE"),
	"ECR-004": {
		"pass": two(rc("aws_ecr_repository", "app", {"name": "app"}), rc("aws_ecr_lifecycle_policy", "app", {"repository": "app"})),
		"fail": one("aws_ecr_repository", {"name": "app"}),
		"unknown": two(rc("aws_ecr_repository", "app", {"name": "app"}), ru("aws_ecr_lifecycle_policy", "app", {}, {"repository": true})),
	},
	"ECS-001": {
		"pass": one("aws_ecs_cluster", {"setting": [{"name": "containerInsights", "value": "enabled"}]}),
		"fail": one("aws_ecs_cluster", {"setting": []}),
		"unknown": unk("aws_ecs_cluster", {}, {"setting": true}),
	},
	"ECS-002": {"pass": task({}), "fail": task({"environment": [{"name": "DB_PASSWORD", "value": "x"}]}), "unknown": task_unknown},
	"ECS-003": {"pass": task({}), "fail": task({"privileged": true}), "unknown": task_unknown},
	"ECS-004": {"pass": task({}), "fail": task({"logConfiguration": null}), "unknown": task_unknown},
	"ECS-005": block_case("aws_ecs_service", "network_configuration", "assign_public_ip", false, true),
	"ECS-006": {"pass": task({}), "fail": task({"readonlyRootFilesystem": false}), "unknown": task_unknown},
	"ECS-007": bool_case("aws_ecs_task_definition", "pid_mode", "task", "host"),
	"ECS-008": {
		"pass": task({}),
		"fail": one("aws_ecs_task_definition", {"container_definitions": container({"user": null}), "network_mode": "host"}),
		"unknown": unk("aws_ecs_task_definition", {"container_definitions": container({})}, {"network_mode": true}),
	},
	"ECS-009": {
		"pass": one("aws_ecs_service", {"launch_type": "FARGATE", "platform_version": "LATEST"}),
		"fail": one("aws_ecs_service", {"launch_type": "FARGATE", "platform_version": "1.3.0"}),
		"unknown": unk("aws_ecs_service", {"launch_type": "FARGATE"}, {"platform_version": true}),
	},
	"EC2-001": block_case("aws_launch_template", "metadata_options", "http_tokens", "required", "optional"),
	"EC2-002": {
		"pass": one("aws_launch_template", {"network_interfaces": [{"associate_public_ip_address": "false"}]}),
		"fail": one("aws_instance", {"associate_public_ip_address": true}),
		"unknown": unk("aws_launch_template", {}, {"network_interfaces": true}),
	},
	"EC2-003": bool_case("aws_ebs_volume", "encrypted", true, false),
	"EC2-004": bool_case("aws_subnet", "map_public_ip_on_launch", false, true),
	"EC2-005": {
		"pass": one("aws_default_security_group", {"ingress": [], "egress": []}),
		"fail": one("aws_default_security_group", {"ingress": [{"from_port": 0, "to_port": 0, "protocol": "-1", "self": true}], "egress": []}),
		"unknown": unk("aws_default_security_group", {"egress": []}, {"ingress": true}),
	},
	"IAM-001": {
		"pass": one("aws_iam_policy", {"policy": allow("s3:GetObject", "*")}),
		"fail": one("aws_iam_policy", {"policy": allow("*", "*")}),
		"unknown": unk("aws_iam_policy", {}, {"policy": true}),
	},
	"IAM-002": {
		"pass": one("aws_iam_role_policy", {"policy": allow(["s3:GetObject"], "arn:aws:s3:::b/*")}),
		"fail": one("aws_iam_role_policy", {"policy": allow(["s3:*"], "arn:aws:s3:::b/*")}),
		"unknown": unk("aws_iam_role_policy", {}, {"policy": true}),
	},
	"IAM-003": {
		"pass": one("aws_iam_policy_attachment", {"users": [], "roles": ["r"]}),
		"fail": one("aws_iam_user_policy", {"user": "alice", "policy": allow("s3:GetObject", "*")}),
		"unknown": unk("aws_iam_policy_attachment", {"roles": []}, {"users": true}),
	},
	"IAM-004": {
		"pass": one("aws_iam_role_policy_attachment", {"policy_arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
		"fail": one("aws_iam_role_policy_attachment", {"policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"}),
		"unknown": unk("aws_iam_role_policy_attachment", {}, {"policy_arn": true}),
	},
	"IAM-005": {
		"pass": one("aws_iam_account_password_policy", password),
		"fail": one("aws_iam_account_password_policy", object.union(password, {"minimum_password_length": 8})),
		"unknown": unk("aws_iam_account_password_policy", object.remove(password, ["minimum_password_length"]), {"minimum_password_length": true}),
	},
	"KMS-001": bool_case("aws_kms_key", "enable_key_rotation", true, false),
	"KMS-002": bool_case("aws_kms_key", "deletion_window_in_days", 30, 7),
	"KMS-003": bool_case("aws_kms_key", "is_enabled", true, false),
	"LOG-001": bool_case("aws_cloudwatch_log_group", "retention_in_days", 30, 0),
	"LOG-002": bool_case("aws_cloudwatch_log_group", "kms_key_id", "arn:aws:kms:us-east-1:1:key/k", ""),
	"NET-001": {
		"pass": one("aws_vpc_security_group_ingress_rule", vpc_rule("10.0.0.0/16", "tcp", 5432)),
		"fail": one("aws_vpc_security_group_ingress_rule", vpc_rule("0.0.0.0/0", "tcp", 5432)),
		"unknown": unk("aws_vpc_security_group_ingress_rule", object.remove(vpc_rule("", "tcp", 5432), ["cidr_ipv4"]), {"cidr_ipv4": true}),
	},
	"NET-002": {
		"pass": two(rc("aws_vpc", "main", {"id": "vpc-1"}), rc("aws_flow_log", "main", {"vpc_id": "vpc-1"})),
		"fail": one("aws_vpc", {"id": "vpc-1"}),
		"unknown": two(rc("aws_vpc", "main", {"id": "vpc-1"}), ru("aws_flow_log", "main", {}, {"vpc_id": true})),
	},
	"NET-003": {
		"pass": one("aws_security_group_rule", sg_rule("10.0.0.0/8", 22)),
		"fail": one("aws_security_group_rule", sg_rule("0.0.0.0/0", 22)),
		"unknown": unk("aws_security_group_rule", object.remove(sg_rule("", 22), ["cidr_blocks"]), {"cidr_blocks": true}),
	},
	"NET-004": {
		"pass": one("aws_network_acl_rule", nacl("10.0.0.0/8")),
		"fail": one("aws_network_acl_rule", nacl("0.0.0.0/0")),
		"unknown": unk("aws_network_acl_rule", object.remove(nacl(""), ["cidr_block"]), {"cidr_block": true}),
	},
	"NET-005": {
		"pass": one("aws_vpc_security_group_ingress_rule", vpc_rule("10.0.0.0/16", "-1", null)),
		"fail": one("aws_vpc_security_group_ingress_rule", vpc_rule("0.0.0.0/0", "-1", null)),
		"unknown": unk("aws_vpc_security_group_ingress_rule", object.remove(vpc_rule("", "-1", null), ["cidr_ipv4"]), {"cidr_ipv4": true}),
	},
	"RDS-001": db_case("deletion_protection", false),
	"RDS-002": db_case("multi_az", false),
	"RDS-003": db_case("storage_encrypted", false),
	"RDS-004": db_case("backup_retention_period", 1),
	"RDS-005": db_case("publicly_accessible", true),
	"RDS-006": db_case("skip_final_snapshot", true),
	"RDS-007": db_case("iam_database_authentication_enabled", false),
	"RDS-008": db_case("monitoring_interval", 0),
	"RDS-009": db_case("auto_minor_version_upgrade", false),
	"RDS-010": db_case("copy_tags_to_snapshot", false),
	"RDS-011": db_case("enabled_cloudwatch_logs_exports", []),
	"RDS-012": {
		"pass": one("aws_db_parameter_group", {"family": "postgres14", "parameter": [{"name": "rds.force_ssl", "value": "1"}]}),
		"fail": one("aws_db_parameter_group", {"family": "mysql8.0", "parameter": []}),
		"unknown": unk("aws_db_parameter_group", {"family": "postgres14"}, {"parameter": true}),
	},
	"RDS-013": db_case("username", "postgres"),
	"S3-001": settings_case("aws_s3_bucket_public_access_block", {"block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true}),
	"S3-002": {
		"pass": two(bucket, rc("aws_s3_bucket_server_side_encryption_configuration", "s", object.union({"bucket": "app-data"}, sse("aws:kms:dsse")))),
		"fail": fx.plan([bucket]),
		"unknown": two(bucket, ru("aws_s3_bucket_server_side_encryption_configuration", "s", {"bucket": "app-data"}, {"rule": true})),
	},
	"S3-003": {
		"pass": two(bucket, rc("aws_s3_bucket_policy", "p", {"bucket": "app-data", "policy": tls_policy})),
		"fail": fx.plan([bucket]),
		"unknown": two(bucket, ru("aws_s3_bucket_policy", "p", {"bucket": "app-data"}, {"policy": true})),
	},
	"S3-004": {
		"pass": two(artifacts, rc("aws_s3_bucket_server_side_encryption_configuration", "a", object.union({"bucket": "ci-artifacts"}, sse("aws:kms:dsse")))),
		"fail": two(artifacts, rc("aws_s3_bucket_server_side_encryption_configuration", "a", object.union({"bucket": "ci-artifacts"}, sse("AES256")))),
		"unknown": two(artifacts, ru("aws_s3_bucket_server_side_encryption_configuration", "a", {"bucket": "ci-artifacts"}, {"rule": true})),
	},
	"S3-005": {
		"pass": two(bucket, rc("aws_s3_bucket_versioning", "v", {"bucket": "app-data", "versioning_configuration": [{"status": "Enabled"}]})),
		"fail": fx.plan([bucket]),
		"unknown": two(bucket, ru("aws_s3_bucket_versioning", "v", {"bucket": "app-data", "versioning_configuration": [{}]}, {"versioning_configuration": [{"status": true}]})),
	},
	"S3-006": settings_case("aws_s3_bucket_logging", {"target_bucket": "logs"}),
	"S3-007": settings_case("aws_s3_bucket_lifecycle_configuration", {}),
	"S3-008": bool_case("aws_s3_bucket_acl", "acl", "private", "public-read"),
	"S3-009": block_case("aws_s3_bucket_ownership_controls", "rule", "object_ownership", "BucketOwnerEnforced", "ObjectWriter"),
	"SNS-001": bool_case("aws_sns_topic", "kms_master_key_id", "alias/aws/sns", ""),
	"SQS-001": {
		"pass": one("aws_sqs_queue", {"sqs_managed_sse_enabled": true, "kms_master_key_id": null}),
		"fail": one("aws_sqs_queue", {"sqs_managed_sse_enabled": false, "kms_master_key_id": null}),
		"unknown": unk("aws_sqs_queue", {"sqs_managed_sse_enabled": false}, {"kms_master_key_id": true}),
	},
	"SQS-002": {
		"pass": one("aws_sqs_queue_policy", {"policy": doc([{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": "*"}])}),
		"fail": one("aws_sns_topic_policy", {"policy": doc([{"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": "*"}])}),
		"unknown": unk("aws_sqs_queue_policy", {}, {"policy": true}),
	},
	"SSM-001": {
		"pass": one("aws_ssm_parameter", {"name": "/app/db_password", "type": "SecureString"}),
		"fail": one("aws_ssm_parameter", {"name": "/app/db_password", "type": "String"}),
		"unknown": unk("aws_ssm_parameter", {"name": "/app/db_password"}, {"type": true}),
	},
	"STATE-001": {
		"pass": one("aws_db_instance", db),
		"fail": fx.plan([object.union(rc("aws_db_instance", "x", db), {"change": {"actions": ["delete"], "after": null}})]),
		"no_unknown": "the plan's actions (delete, replace) are always known",
	},
	"TAG-001": {
		"pass": req_tags(one("aws_sns_topic", {"tags_all": {"Project": "p", "Environment": "e"}})),
		"fail": req_tags(one("aws_sns_topic", {"tags_all": {"Project": "p"}})),
		"unknown": req_tags(unk("aws_sns_topic", {}, {"tags_all": true, "tags": true})),
	},
	"WAF-001": {
		"pass": two(rc("aws_lb", "web", lb), rc("aws_wafv2_web_acl_association", "a", {"resource_arn": "arn:lb"})),
		"fail": fx.plan([rc("aws_lb", "web", lb)]),
		"unknown": two(rc("aws_lb", "web", lb), ru("aws_wafv2_web_acl_association", "a", {}, {"resource_arn": true})),
	},
	"WAF-002": {
		"pass": one("aws_wafv2_web_acl", {"rule": acl_rules({"rate_based_statement": [{"limit": 100}]})}),
		"fail": one("aws_wafv2_web_acl", {"rule": []}),
		"unknown": unk("aws_wafv2_web_acl", {}, {"rule": true}),
	},
	"WAF-003": {
		"pass": one("aws_wafv2_web_acl", {"rule": acl_rules({"managed_rule_group_statement": [{"name": "AWSManagedRulesCommonRuleSet"}]})}),
		"fail": one("aws_wafv2_web_acl", {"rule": []}),
		"unknown": unk("aws_wafv2_web_acl", {}, {"rule": true}),
	},
	"WAF-004": {
		"pass": two(rc("aws_wafv2_web_acl", "web", acl), rc("aws_wafv2_web_acl_logging_configuration", "l", {"resource_arn": "arn:acl"})),
		"fail": fx.plan([rc("aws_wafv2_web_acl", "web", acl)]),
		"unknown": two(rc("aws_wafv2_web_acl", "web", acl), ru("aws_wafv2_web_acl_logging_configuration", "l", {}, {"resource_arn": true})),
	},
}
