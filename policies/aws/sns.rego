# METADATA
# title: SNS
# description: Topics are encrypted at rest.
package tfgate.aws.sns

import rego.v1

import data.tfgate.lib

# METADATA
# title: SNS topic encrypted
# description: Topics use server-side encryption with a KMS key.
# related_resources:
#   - https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html
# custom:
#   id: SNS-001
#   controls: ["SNS.1"]
#   severity: high
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Set kms_master_key_id (a customer managed key, or "alias/aws/sns").
encryption contains f if {
	some v in encryption_violations
	f := lib.finding(rego.metadata.rule(), v)
}

encryption_violations contains v if {
	some v in lib.require_set(["aws_sns_topic"], "kms_master_key_id", "topic must be encrypted at rest")
}
