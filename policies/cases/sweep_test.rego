package tfgate.test.cases

import rego.v1

import data.tfgate.cases

packages := {
	"ALB": "alb", "CF": "cloudfront", "COG": "cognito", "EC2": "ec2", "ECR": "ecr", "ECS": "ecs",
	"IAM": "iam", "KMS": "kms", "LOG": "logs", "NET": "network", "RDS": "rds", "S3": "s3",
	"SNS": "sns", "SQS": "sqs", "SSM": "ssm", "STATE": "stateful", "TAG": "tags", "WAF": "waf",
}

# Only the rule's own package is evaluated (the whole library per case
# would make the sweep slow).
findings(id) := {f |
	some f in data.tfgate.aws[packages[split(id, "-")[0]]][_]
	is_object(f)
	f.id == id
}

definite(id) := {f | some f in findings(id); not f.unknown}

unknown(id) := {f | some f in findings(id); f.unknown}

bad_pass contains id if {
	some id, c in cases.cases
	count(findings(id)) > 0 with input as c.pass
}

bad_fail contains id if {
	some id, c in cases.cases
	count(definite(id)) == 0 with input as c.fail
}

bad_unknown contains id if {
	some id, c in cases.cases
	count(definite(id)) > 0 with input as c.unknown
}

bad_unknown contains id if {
	some id, c in cases.cases
	count(unknown(id)) == 0 with input as c.unknown
}

bad_unknown contains id if {
	some id, c in cases.cases
	not c.unknown
	not c.no_unknown
}

test_every_pass_case_passes if {
	print("pass cases with findings:", bad_pass)
	count(bad_pass) == 0
}

test_every_fail_case_fails if {
	print("fail cases without a definite finding:", bad_fail)
	count(bad_fail) == 0
}

test_every_unknown_case_is_unknown if {
	print("unknown cases that pass or fail:", bad_unknown)
	count(bad_unknown) == 0
}
