# METADATA
# title: IAM
# description: IAM policies grant named actions on named resources (no full administrator, no service-wide wildcards, no policies on users, a strong account password policy).
package tfgate.aws.iam

import rego.v1

import data.tfgate.lib

policy_types := ["aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy"]

documents := lib.resources(policy_types)

allows(documents_rc) := [st |
	some st in lib.policy_statements(documents_rc, "policy")
	st.effect == "Allow"
]

unreadable := [rc | some rc in documents; not lib.policy_statements(rc, "policy")]

# METADATA
# title: No full administrator policies
# description: No policy allows every action ("*") on every resource ("*"); administrators get scoped roles.
# related_resources:
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
# custom:
#   id: IAM-001
#   severity: critical
#   controls: ["IAM.1", "CIS 1.16"]
#   enforcement: {dev: warn, staging: deny, production: deny}
#   remediation: Replace Action "*" on Resource "*" with the actions and ARNs the principal needs.
full_admin contains f if {
	some v in full_admin_violations
	f := lib.finding(rego.metadata.rule(), v)
}

full_admin_violations contains v if {
	some rc in documents
	some st in allows(rc)
	"*" in st.actions
	is_array(st.resources)
	"*" in st.resources
	v := lib.violation(rc, "policy", sprintf("%s: allows every action on every resource", [rc.address]))
}

# "*" on resources known only after apply cannot be judged.
full_admin_violations contains v if {
	some rc in documents
	some st in allows(rc)
	"*" in st.actions
	st.resources == null
	v := lib.unknown_violation(rc, "policy")
}

full_admin_violations contains v if {
	some v in lib.unknown_violations(unreadable, "policy")
}

wildcard_action(a) if a == "*"

wildcard_action(a) if endswith(a, ":*")

# METADATA
# title: No wildcard service actions
# description: Policies name the actions they allow; "s3:*" or "*" grants every future action of the service too.
# related_resources:
#   - https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-21
# custom:
#   id: IAM-002
#   severity: medium
#   controls: ["IAM.21"]
#   remediation: List the actions (e.g. s3:GetObject, s3:PutObject) instead of s3:*.
wildcard_actions contains f if {
	some v in wildcard_actions_violations
	f := lib.finding(rego.metadata.rule(), v)
}

wildcard_actions_violations contains v if {
	some rc in documents
	some st in allows(rc)
	is_array(st.actions)
	some a in st.actions
	wildcard_action(a)
	v := lib.violation(rc, "policy", sprintf("%s: allows the wildcard action %s", [rc.address, a]))
}

wildcard_actions_violations contains v if {
	some rc in documents
	some st in allows(rc)
	st.actions == null
	v := lib.unknown_violation(rc, "policy")
}

wildcard_actions_violations contains v if {
	some v in lib.unknown_violations(unreadable, "policy")
}

# METADATA
# title: No policies attached to IAM users
# description: Permissions go to groups or roles, never directly to users, so they are reviewed and revoked in one place.
# related_resources:
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups.html
# custom:
#   id: IAM-003
#   severity: low
#   controls: ["IAM.2", "CIS 1.15"]
#   remediation: Attach the policy to a group (or a role) and add the user to it.
user_policies contains f if {
	some v in user_policies_violations
	f := lib.finding(rego.metadata.rule(), v)
}

user_policies_violations contains v if {
	some rc in lib.resources(["aws_iam_user_policy", "aws_iam_user_policy_attachment"])
	v := lib.violation(rc, "user", sprintf("%s: attaches a policy directly to a user", [rc.address]))
}

user_policies_violations contains v if {
	some rc in lib.live("aws_iam_policy_attachment")
	lib.known(rc, "users")
	count(lib.list(lib.after(rc, "users"))) > 0
	v := lib.violation(rc, "users", sprintf("%s: attaches a policy directly to users", [rc.address]))
}

user_policies_violations contains v if {
	some v in lib.unknown_violations(lib.live("aws_iam_policy_attachment"), "users")
}

admin_arns := {"arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws-us-gov:iam::aws:policy/AdministratorAccess", "arn:aws-cn:iam::aws:policy/AdministratorAccess"}

attachment_types := ["aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment", "aws_iam_policy_attachment"]

# METADATA
# title: No AdministratorAccess attachments
# description: The AWS managed AdministratorAccess policy is not attached by Terraform; break-glass access is managed outside the application stack.
# related_resources:
#   - https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html
# custom:
#   id: IAM-004
#   severity: high
#   controls: ["IAM.1"]
#   enforcement: {dev: advisory, staging: deny, production: deny}
#   remediation: Attach a policy scoped to what the role does.
admin_attachment contains f if {
	some v in admin_attachment_violations
	f := lib.finding(rego.metadata.rule(), v)
}

attachments := lib.resources(attachment_types)

admin_attachment_violations contains v if {
	some rc in attachments
	lib.known(rc, "policy_arn")
	lib.after(rc, "policy_arn") in admin_arns
	v := lib.violation(rc, "policy_arn", sprintf("%s: attaches AdministratorAccess", [rc.address]))
}

admin_attachment_violations contains v if {
	some rc in lib.live("aws_iam_role")
	lib.known(rc, "managed_policy_arns")
	some arn in lib.list(lib.after(rc, "managed_policy_arns"))
	arn in admin_arns
	v := lib.violation(rc, "managed_policy_arns", sprintf("%s: attaches AdministratorAccess", [rc.address]))
}

# A policy ARN taken from a policy created here is judged by IAM-001.
admin_attachment_violations contains v if {
	some v in lib.unknown_violations([rc | some rc in attachments; not lib.configured_from_resource(rc, "policy_arn")], "policy_arn")
}

# METADATA
# title: Strong account password policy
# description: Console passwords are at least 14 characters with the four character classes and are not reused for the last 24 changes.
# related_resources:
#   - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html
# custom:
#   id: IAM-005
#   severity: medium
#   controls: ["IAM.7", "CIS 1.8", "CIS 1.9"]
#   remediation: Set minimum_password_length = 14, require_* = true and password_reuse_prevention = 24.
password_policy contains f if {
	some v in password_policy_violations
	f := lib.finding(rego.metadata.rule(), v)
}

password_policies := lib.live("aws_iam_account_password_policy")

weak(a) := [sprintf("%s must be true", [k]) |
	some k in ["require_lowercase_characters", "require_uppercase_characters", "require_numbers", "require_symbols"]
	object.get(a, k, false) != true
]

password_policy_violations contains v if {
	some rc in password_policies
	lib.known(rc, "minimum_password_length")
	a := rc.change.after
	problems := array.concat(
		array.concat(weak(a), [sprintf("minimum_password_length must be >= 14 (is %v)", [object.get(a, "minimum_password_length", null)]) | not object.get(a, "minimum_password_length", 0) >= 14]),
		[sprintf("password_reuse_prevention must be >= 24 (is %v)", [object.get(a, "password_reuse_prevention", null)]) | not object.get(a, "password_reuse_prevention", 0) >= 24],
	)
	count(problems) > 0
	v := lib.violation(rc, "minimum_password_length", sprintf("%s: weak password policy: %s", [rc.address, concat(", ", problems)]))
}

password_policy_violations contains v if {
	some v in lib.unknown_violations(password_policies, "minimum_password_length")
}
