// Package gen generates Terraform plan JSON documents of any size for the
// gate benchmarks. A plan is made of "units" of ten resources shaped like
// this repository's stack (S3 bucket with its encryption, versioning,
// public access block and policy; log group; security group rule; ECR
// repository; SSM parameter; and one rotating heavier resource: RDS
// instance, ECS task definition, ALB, KMS key or SNS topic), each unit in
// its own module instance (module.svc[i]) with the matching configuration,
// so rules that link resources by value or by reference do real work.
//
// One unit in ten is being created (ids and ARNs unknown until apply, links
// resolved through configuration references); the others are unchanged
// (no-op, every value known), as in a typical large production plan. Some
// units carry violations so the policies produce findings. Output is
// deterministic for a given size.
package gen

import (
	"encoding/json"
	"fmt"
)

// UnitSize is the number of resources per unit.
const UnitSize = 10

// Plan returns a plan JSON document with n resource changes (rounded up to
// a whole unit).
func Plan(n int) []byte {
	units := (n + UnitSize - 1) / UnitSize
	if units < 1 {
		units = 1
	}
	var rcs []any
	for i := range units {
		rcs = append(rcs, unit(i)...)
	}
	doc := map[string]any{
		"format_version":    "1.2",
		"terraform_version": "1.11.0",
		"variables": map[string]any{
			"environment": map[string]any{"value": "production"},
			"db_password": map[string]any{"value": "CANARY-bench-not-a-real-secret"},
		},
		"resource_changes": rcs,
		"configuration":    configuration(units),
	}
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err) // only maps, slices and scalars: cannot fail
	}
	return b
}

func configuration(units int) map[string]any {
	ref := func(r ...string) map[string]any { return map[string]any{"references": toAny(r)} }
	con := func(v any) map[string]any { return map[string]any{"constant_value": v} }
	res := func(typ, name string, expr map[string]any) map[string]any {
		return map[string]any{"address": typ + "." + name, "mode": "managed", "type": typ, "name": name,
			"provider_config_key": "aws", "expressions": expr, "schema_version": 0}
	}
	bucketRef := ref("aws_s3_bucket.data.id", "aws_s3_bucket.data")
	return map[string]any{
		"provider_config": map[string]any{"aws": map[string]any{"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws"}},
		"root_module": map[string]any{
			"variables": map[string]any{
				"environment": map[string]any{"default": "dev"},
				"db_password": map[string]any{"sensitive": true},
			},
			"module_calls": map[string]any{
				"svc": map[string]any{
					"source":           "./modules/svc",
					"count_expression": con(units),
					"module": map[string]any{
						"resources": []any{
							res("aws_s3_bucket", "data", map[string]any{"bucket": ref("count.index")}),
							res("aws_s3_bucket_server_side_encryption_configuration", "data", map[string]any{"bucket": bucketRef}),
							res("aws_s3_bucket_versioning", "data", map[string]any{"bucket": bucketRef}),
							res("aws_s3_bucket_public_access_block", "data", map[string]any{"bucket": bucketRef,
								"block_public_acls": con(true), "block_public_policy": con(true), "ignore_public_acls": con(true), "restrict_public_buckets": con(true)}),
							res("aws_s3_bucket_policy", "data", map[string]any{"bucket": bucketRef}),
							res("aws_cloudwatch_log_group", "app", map[string]any{"retention_in_days": con(30)}),
							res("aws_security_group_rule", "app", map[string]any{"from_port": con(443)}),
							res("aws_ecr_repository", "app", map[string]any{}),
							res("aws_ssm_parameter", "config", map[string]any{"type": con("SecureString")}),
							res("aws_db_instance", "db", map[string]any{"password": ref("var.db_password")}),
							res("aws_ecs_task_definition", "app", map[string]any{}),
							res("aws_lb", "web", map[string]any{}),
							res("aws_kms_key", "data", map[string]any{}),
							res("aws_sns_topic", "alerts", map[string]any{}),
						},
						"variables": map[string]any{"db_password": map[string]any{"sensitive": true}},
					},
				},
			},
		},
	}
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

type obj = map[string]any

// unit returns the ten resource changes of module.svc[i].
func unit(i int) []any {
	create := i%10 == 0
	bad := i%7 == 3 // a few violations per plan, as in real life
	mod := fmt.Sprintf("module.svc[%d]", i)
	bucket := fmt.Sprintf("tfgate-bench-%05d-data", i)
	arn := func(svc, rest string) string { return fmt.Sprintf("arn:aws:%s:us-east-1:123456789012:%s", svc, rest) }
	kms := arn("kms", fmt.Sprintf("key/0000%04d-aaaa-bbbb-cccc-dddddddddddd", i%10000))

	// rc builds one change; computed lists the attributes unknown until
	// apply when the unit is being created.
	rc := func(typ, name string, after obj, computed ...string) obj {
		after = clone(after)
		unknown := obj{}
		var before any = clone(after)
		actions := []any{"no-op"}
		if create {
			actions = []any{"create"}
			before = nil
			for _, c := range computed {
				delete(after, c)
				unknown[c] = true
			}
		}
		sens := obj{}
		if _, ok := after["password"]; ok {
			sens["password"] = true
		}
		if _, ok := after["value"]; ok {
			sens["value"] = true
		}
		var beforeSens any = false
		if !create {
			beforeSens = clone(sens)
		}
		return obj{
			"address": mod + "." + typ + "." + name, "module_address": mod, "mode": "managed",
			"type": typ, "name": name, "provider_name": "registry.terraform.io/hashicorp/aws",
			"change": obj{"actions": actions, "before": before, "after": after, "after_unknown": unknown,
				"before_sensitive": beforeSens, "after_sensitive": sens},
		}
	}
	tags := obj{"Project": "tfgate", "Environment": "production", "ManagedBy": "terraform", "Owner": "platform"}
	bucketVal := bucket // resources reference the bucket by name (known) or id (unknown on create)
	out := []any{
		rc("aws_s3_bucket", "data", obj{"bucket": bucket, "id": bucket, "arn": "arn:aws:s3:::" + bucket,
			"force_destroy": false, "tags": tags, "tags_all": tags}, "id", "arn"),
		rc("aws_s3_bucket_server_side_encryption_configuration", "data", obj{"bucket": bucketVal, "id": bucketVal,
			"rule": []any{obj{"bucket_key_enabled": true, "apply_server_side_encryption_by_default": []any{
				obj{"sse_algorithm": pick(bad, "AES256", "aws:kms"), "kms_master_key_id": kms}}}}}, "id", "bucket"),
		rc("aws_s3_bucket_versioning", "data", obj{"bucket": bucketVal, "id": bucketVal,
			"versioning_configuration": []any{obj{"status": "Enabled", "mfa_delete": ""}}}, "id", "bucket"),
		rc("aws_s3_bucket_public_access_block", "data", obj{"bucket": bucketVal, "id": bucketVal,
			"block_public_acls": true, "block_public_policy": !bad, "ignore_public_acls": true, "restrict_public_buckets": true}, "id", "bucket"),
		rc("aws_s3_bucket_policy", "data", obj{"bucket": bucketVal, "id": bucketVal, "policy": tlsOnlyPolicy(bucket)}, "id", "bucket"),
		rc("aws_cloudwatch_log_group", "app", obj{"name": fmt.Sprintf("/tfgate/bench/%d", i), "retention_in_days": pick(bad, 0, 30),
			"kms_key_id": kms, "skip_destroy": false, "tags": tags, "tags_all": tags}, "arn"),
		rc("aws_security_group_rule", "app", obj{"type": "ingress", "from_port": 443, "to_port": 443, "protocol": "tcp",
			"cidr_blocks": []any{"10.0.0.0/16"}, "security_group_id": fmt.Sprintf("sg-%08x", i), "id": fmt.Sprintf("sgrule-%d", i)}, "id"),
		rc("aws_ecr_repository", "app", obj{"name": fmt.Sprintf("bench-%d", i), "image_tag_mutability": "IMMUTABLE",
			"image_scanning_configuration": []any{obj{"scan_on_push": !bad}},
			"encryption_configuration":     []any{obj{"encryption_type": "KMS", "kms_key": kms}}, "tags": tags, "tags_all": tags}, "arn", "repository_url"),
		rc("aws_ssm_parameter", "config", obj{"name": fmt.Sprintf("/bench/%d/db_url", i), "type": "SecureString",
			"value": "CANARY-bench-not-a-real-secret", "key_id": kms, "tags": tags, "tags_all": tags}, "arn", "version"),
	}
	switch i % 5 {
	case 0:
		out = append(out, rc("aws_db_instance", "db", obj{"identifier": fmt.Sprintf("bench-%d", i), "engine": "postgres",
			"instance_class": "db.t4g.medium", "allocated_storage": 20, "multi_az": !bad, "storage_encrypted": true,
			"kms_key_id": kms, "deletion_protection": true, "backup_retention_period": 7, "publicly_accessible": false,
			"password": "CANARY-bench-not-a-real-secret", "skip_final_snapshot": false, "tags": tags, "tags_all": tags}, "arn", "endpoint", "id"))
	case 1:
		cd := fmt.Sprintf(`[{"name":"app","image":"123456789012.dkr.ecr.us-east-1.amazonaws.com/bench-%d:1","essential":true,`+
			`"environment":[{"name":"LOG_LEVEL","value":"info"}],"secrets":[{"name":"DATABASE_URL","valueFrom":"%s"}],`+
			`"logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/tfgate/bench/%d"}}}]`, i, arn("ssm", fmt.Sprintf("parameter/bench/%d/db_url", i)), i)
		out = append(out, rc("aws_ecs_task_definition", "app", obj{"family": fmt.Sprintf("bench-%d", i), "cpu": "256", "memory": "512",
			"network_mode": "awsvpc", "requires_compatibilities": []any{"FARGATE"}, "container_definitions": cd, "tags": tags, "tags_all": tags}, "arn", "revision"))
	case 2:
		out = append(out, rc("aws_lb", "web", obj{"name": fmt.Sprintf("bench-%d", i), "internal": true, "load_balancer_type": "application",
			"drop_invalid_header_fields": true, "enable_deletion_protection": true, "tags": tags, "tags_all": tags}, "arn", "dns_name", "id"))
	case 3:
		out = append(out, rc("aws_kms_key", "data", obj{"description": "bench", "enable_key_rotation": true, "deletion_window_in_days": 30,
			"is_enabled": true, "tags": tags, "tags_all": tags}, "arn", "key_id", "id"))
	default:
		out = append(out, rc("aws_sns_topic", "alerts", obj{"name": fmt.Sprintf("bench-%d", i), "kms_master_key_id": kms,
			"tags": tags, "tags_all": tags}, "arn", "id"))
	}
	return out
}

func tlsOnlyPolicy(bucket string) string {
	p := obj{"Version": "2012-10-17", "Statement": []any{obj{
		"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
		"Resource":  []any{"arn:aws:s3:::" + bucket, "arn:aws:s3:::" + bucket + "/*"},
		"Condition": obj{"Bool": obj{"aws:SecureTransport": "false"}},
	}}}
	b, _ := json.Marshal(p)
	return string(b)
}

func pick[T any](cond bool, yes, no T) T {
	if cond {
		return yes
	}
	return no
}

// clone deep-copies the JSON-like values built above, so before and after
// are distinct objects as after decoding a real plan.
func clone[T any](v T) T {
	var out any
	switch x := any(v).(type) {
	case obj:
		m := obj{}
		for k, e := range x {
			m[k] = clone(e)
		}
		out = m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = clone(e)
		}
		out = l
	default:
		return v
	}
	return out.(T)
}
