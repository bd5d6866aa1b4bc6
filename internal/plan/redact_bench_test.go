package plan

import (
	"strings"
	"testing"
)

// BenchmarkRedact measures one Redact call on strings shaped like what the
// reporters scrub: finding messages, addresses and titles (mostly clean), and
// a few that carry a secret-looking value.
func BenchmarkRedact(b *testing.B) {
	r := NewRedactor([]string{"CANARY-bench-exact-secret"})
	cases := []struct{ name, in string }{
		{"message", "aws_s3_bucket.b[42]: bucket is not encrypted (server_side_encryption = null)"},
		{"address", `module.svc["api"].aws_vpc_security_group_ingress_rule.alb_https[3]`},
		{"title", "RDS instances in production have deletion protection enabled"},
		{"keyword", "aws_cognito_user_pool_client.web: (access_token_validity = 60, refresh_token_validity = 30)"},
		{"pair", "aws_ecs_task_definition.app: DB_PASSWORD=CANARYpw123 in environment of container app"},
		{"url", "aws_ssm_parameter.db: value postgres://app:CANARYpw@db.internal:5432/app is plain text"},
		{"awskey", "aws_lambda_function.f: environment AWS_KEY_ID is AKIA" + strings.Repeat("Z", 16) + " (plain)"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.in)))
			for b.Loop() {
				_ = r.Redact(c.in)
			}
		})
	}
}
