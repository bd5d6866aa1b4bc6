# METADATA
# title: CloudWatch Logs
# description: Log groups have a retention and are encrypted.
package tfgate.aws.logs

import rego.v1

import data.tfgate.lib

groups := lib.live("aws_cloudwatch_log_group")

# METADATA
# title: Log retention set
# description: Log groups expire their events; a missing retention keeps logs (and costs) forever.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention
# custom:
#   id: LOG-001
#   severity: medium
#   controls: ["CloudWatch.16"]
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Set retention_in_days (e.g. 30 in dev, 365 in production).
retention contains f if {
	some v in retention_violations
	f := lib.finding(rego.metadata.rule(), v)
}

retention_violations contains v if {
	some rc in groups
	lib.known(rc, "retention_in_days")
	not lib.after(rc, "retention_in_days") > 0
	v := lib.violation(rc, "retention_in_days", sprintf("%s: log retention must be set (retention_in_days = %v)", [rc.address, lib.after(rc, "retention_in_days")]))
}

retention_violations contains v if {
	some v in lib.unknown_violations(groups, "retention_in_days")
}

# METADATA
# title: Log group encrypted with KMS
# description: Application logs can contain personal data; they are encrypted with a KMS key.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
# custom:
#   id: LOG-002
#   controls: ["CKV_AWS_158"]
#   severity: high
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Set kms_key_id to a KMS key whose policy allows logs.<region>.amazonaws.com.
encryption contains f if {
	some v in encryption_violations
	f := lib.finding(rego.metadata.rule(), v)
}

encryption_violations contains v if {
	some v in lib.require_set(["aws_cloudwatch_log_group"], "kms_key_id", "log group must be encrypted with KMS")
}
