package tfgate.test.aws.iam

import rego.v1

import data.tfgate.aws.iam
import data.tfgate.fixtures as fx

test_role_managed_admin if {
	some f in iam.admin_attachment with input as fx.plan([fx.rc("aws_iam_role", "r", {"managed_policy_arns": ["arn:aws:iam::aws:policy/AdministratorAccess"]})])
	f.attribute == "managed_policy_arns"
}

test_attachment_of_policy_created_here_is_judged_elsewhere if {
	p := fx.with_config([fx.rc_unknown("aws_iam_role_policy_attachment", "a", {}, {"policy_arn": true})], [fx.ref_config("aws_iam_role_policy_attachment", "a", "policy_arn", ["aws_iam_policy.p.arn", "aws_iam_policy.p"])])
	count(iam.admin_attachment) == 0 with input as p
}

test_policy_attachment_to_users if {
	some f in iam.user_policies with input as fx.plan([fx.rc("aws_iam_policy_attachment", "a", {"users": ["alice"]})])
	f.attribute == "users"
}

test_deny_star_is_fine if {
	d := json.marshal({"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]})
	p := fx.plan([fx.rc("aws_iam_policy", "p", {"policy": d})])
	count(iam.full_admin | iam.wildcard_actions) == 0 with input as p
}

test_weak_password_policy_lists_problems if {
	some f in iam.password_policy with input as fx.plan([fx.rc("aws_iam_account_password_policy", "p", {"minimum_password_length": 8})])
	contains(f.message, "require_symbols must be true")
	contains(f.message, "password_reuse_prevention")
}
