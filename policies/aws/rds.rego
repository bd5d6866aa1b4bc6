# METADATA
# title: RDS
# description: Durability, availability and confidentiality of RDS databases.
package tfgate.aws.rds

import rego.v1

import data.tfgate.lib

db_types := ["aws_db_instance", "aws_rds_cluster"]

# METADATA
# title: RDS deletion protection
# description: A production database must not be deletable by a single API call or a mistaken apply.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DeleteInstance.html#USER_DeletionProtection
# custom:
#   id: RDS-001
#   severity: high
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Set deletion_protection = true (per environment through a variable).
deletion_protection contains f if {
	some v in deletion_protection_violations
	f := lib.finding(rego.metadata.rule(), v)
}

deletion_protection_violations contains v if {
	some v in lib.require(db_types, "deletion_protection", true, "deletion protection must be enabled")
}

# METADATA
# title: RDS Multi-AZ
# description: Production databases run Multi-AZ so an AZ failure or maintenance does not take the service down.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZ.html
# custom:
#   id: RDS-002
#   severity: high
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Set multi_az = true.
multi_az contains f if {
	some v in multi_az_violations
	f := lib.finding(rego.metadata.rule(), v)
}

multi_az_violations contains v if {
	some v in lib.require(["aws_db_instance"], "multi_az", true, "must be Multi-AZ")
}

# METADATA
# title: RDS storage encrypted
# description: Database storage, snapshots and backups are encrypted at rest.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html
# custom:
#   id: RDS-003
#   severity: critical
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Set storage_encrypted = true (and kms_key_id for a customer managed key).
storage_encrypted contains f if {
	some v in storage_encrypted_violations
	f := lib.finding(rego.metadata.rule(), v)
}

storage_encrypted_violations contains v if {
	some v in lib.require(db_types, "storage_encrypted", true, "storage must be encrypted at rest")
}

# METADATA
# title: RDS backups kept at least 7 days
# description: Automated backups allow point-in-time recovery; a week covers a weekend incident.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html
# custom:
#   id: RDS-004
#   severity: high
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Set backup_retention_period >= 7.
backup_retention contains f if {
	some v in backup_retention_violations
	f := lib.finding(rego.metadata.rule(), v)
}

backup_retention_violations contains v if {
	some t in db_types
	some rc in lib.live(t)
	lib.known(rc, "backup_retention_period")
	days := lib.after(rc, "backup_retention_period")
	not days >= 7
	v := lib.violation(rc, "backup_retention_period", sprintf("%s: backups must be kept at least 7 days (backup_retention_period = %v)", [rc.address, days]))
}

backup_retention_violations contains v if {
	some t in db_types
	some rc in lib.live(t)
	lib.unknown(rc, "backup_retention_period")
	v := lib.unknown_violation(rc, "backup_retention_period")
}

# METADATA
# title: RDS not publicly accessible
# description: Databases live in private subnets and are never reachable from the internet.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html
# custom:
#   id: RDS-005
#   severity: critical
#   enforcement: {dev: deny, staging: deny, production: deny}
#   remediation: Set publicly_accessible = false.
not_public contains f if {
	some v in not_public_violations
	f := lib.finding(rego.metadata.rule(), v)
}

not_public_violations contains v if {
	some rc in lib.live("aws_db_instance")
	lib.known(rc, "publicly_accessible")
	lib.after(rc, "publicly_accessible") == true
	v := lib.violation(rc, "publicly_accessible", sprintf("%s: database must not be publicly accessible", [rc.address]))
}

not_public_violations contains v if {
	some rc in lib.live("aws_db_instance")
	lib.unknown(rc, "publicly_accessible")
	v := lib.unknown_violation(rc, "publicly_accessible")
}

# METADATA
# title: RDS final snapshot on deletion
# description: Deleting a database keeps a final snapshot, the last line of defence against a wrong destroy.
# related_resources:
#   - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_instance#skip_final_snapshot
# custom:
#   id: RDS-006
#   severity: medium
#   remediation: Set skip_final_snapshot = false and a final_snapshot_identifier.
final_snapshot contains f if {
	some v in final_snapshot_violations
	f := lib.finding(rego.metadata.rule(), v)
}

final_snapshot_violations contains v if {
	some v in lib.require(db_types, "skip_final_snapshot", false, "must take a final snapshot on deletion")
}
