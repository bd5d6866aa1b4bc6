# METADATA
# title: SQS
# description: Queues are encrypted at rest and not open to everyone.
package tfgate.aws.sqs

import rego.v1

import data.tfgate.lib

queues := lib.live("aws_sqs_queue")

encrypted(rc) if lib.after(rc, "sqs_managed_sse_enabled") == true

encrypted(rc) if not lib.empty(lib.after(rc, "kms_master_key_id"))

# METADATA
# title: SQS queue encrypted
# description: Messages are encrypted at rest (SSE-SQS or a KMS key).
# related_resources:
#   - https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html
# custom:
#   id: SQS-001
#   severity: high
#   controls: ["SQS.1"]
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Set sqs_managed_sse_enabled = true or kms_master_key_id.
encryption contains f if {
	some v in encryption_violations
	f := lib.finding(rego.metadata.rule(), v)
}

encryption_violations contains v if {
	some rc in queues
	lib.known(rc, "sqs_managed_sse_enabled")
	lib.known(rc, "kms_master_key_id")
	not encrypted(rc)
	v := lib.violation(rc, "sqs_managed_sse_enabled", sprintf("%s: queue is not encrypted at rest", [rc.address]))
}

# A key taken from a key created here is set.
encryption_violations contains v if {
	some v in lib.unknown_violations([rc | some rc in queues; not encrypted(rc); not lib.configured_from_resource(rc, "kms_master_key_id")], "kms_master_key_id")
}

encryption_violations contains v if {
	some v in lib.unknown_violations([rc | some rc in queues; lib.known(rc, "kms_master_key_id"); not encrypted(rc)], "sqs_managed_sse_enabled")
}

public_principal(p) if p == "*"

public_principal(p) if p.AWS == "*"

public_principal(p) if "*" in p.AWS

# METADATA
# title: SQS and SNS policies not public
# description: No queue or topic policy allows every principal ("*") without a condition narrowing it (source account, source ARN, org).
# related_resources:
#   - https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-basic-examples-of-sqs-policies.html
# custom:
#   id: SQS-002
#   severity: critical
#   controls: ["SQS.3", "SNS.4"]
#   enforcement: {dev: warn, staging: deny, production: deny}
#   remediation: Name the principals, or add a Condition on aws:SourceArn / aws:SourceAccount / aws:PrincipalOrgID.
public_policy contains f if {
	some v in public_policy_violations
	f := lib.finding(rego.metadata.rule(), v)
}

policy_resources := array.concat(
	array.concat(lib.live("aws_sqs_queue_policy"), [q | some q in queues; lib.after(q, "policy") != null]),
	array.concat(lib.live("aws_sns_topic_policy"), [t | some t in lib.live("aws_sns_topic"); lib.after(t, "policy") != null]),
)

public_policy_violations contains v if {
	some rc in policy_resources
	lib.known(rc, "policy")
	doc := lib.json_attr(rc, "policy")
	some st in lib.as_list(doc.Statement)
	lib.get(st, "Effect", "Allow") == "Allow"
	public_principal(st.Principal)
	not st.Condition
	v := lib.violation(rc, "policy", sprintf("%s: policy allows everyone (Principal \"*\") without a condition", [rc.address]))
}

public_policy_violations contains v if {
	some rc in policy_resources
	lib.unknown(rc, "policy")
	some st in lib.document_block(rc, "policy").expressions.statement
	public_config_statement(st)
	v := lib.violation(rc, "policy", sprintf("%s: policy document allows everyone (principals \"*\") without a condition", [rc.address]))
}

public_policy_violations contains v if {
	some rc in policy_resources
	lib.unknown(rc, "policy")
	some st in document_statements(rc)
	lib.get(st, "Effect", "Allow") == "Allow"
	public_principal(st.Principal)
	not st.Condition
	v := lib.violation(rc, "policy", sprintf("%s: policy allows everyone (Principal \"*\") without a condition", [rc.address]))
}

public_policy_violations contains v if {
	some v in lib.unknown_violations([rc | some rc in policy_resources; not judged_from_configuration(rc)], "policy")
}

# The jsonencode object of the configuration, when every principal of it
# is known.
document_statements(rc) := [st | some st in lib.as_list(lib.config_document(rc, "policy").Statement); is_object(st)]

judged_from_configuration(rc) if lib.document_block(rc, "policy")

judged_from_configuration(rc) if {
	count(document_statements(rc)) > 0
	every st in document_statements(rc) {
		st.Principal != null
	}
}

# An Allow statement block of an aws_iam_policy_document whose principals
# are the constant "*" and that has no condition block. Principals taken
# from references (account ids, ARNs) name someone.
public_config_statement(st) if {
	object.get(st, ["effect", "constant_value"], "Allow") == "Allow"
	some pr in object.get(st, "principals", [])
	"*" in object.get(pr, ["identifiers", "constant_value"], [])
	count(object.get(st, "condition", [])) == 0
}
