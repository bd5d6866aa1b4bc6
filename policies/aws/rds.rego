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
#   controls: ["RDS.7", "RDS.8"]
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
#   controls: ["RDS.5", "RDS.15"]
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
#   controls: ["RDS.3", "RDS.27"]
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
#   controls: ["RDS.11"]
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
	some v in lib.unknown_violations(lib.resources(db_types), "backup_retention_period")
}

# METADATA
# title: RDS not publicly accessible
# description: Databases live in private subnets and are never reachable from the internet.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html
# custom:
#   id: RDS-005
#   controls: ["RDS.2"]
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
	some v in lib.unknown_violations(lib.live("aws_db_instance"), "publicly_accessible")
}

# METADATA
# title: RDS final snapshot on deletion
# description: Deleting a database keeps a final snapshot, the last line of defence against a wrong destroy.
# related_resources:
#   - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_instance#skip_final_snapshot
# custom:
#   id: RDS-006
#   severity: high
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Set skip_final_snapshot = false and a final_snapshot_identifier.
final_snapshot contains f if {
	some v in final_snapshot_violations
	f := lib.finding(rego.metadata.rule(), v)
}

final_snapshot_violations contains v if {
	some v in lib.require(db_types, "skip_final_snapshot", false, "must take a final snapshot on deletion")
}

# METADATA
# title: RDS IAM database authentication
# description: Database users authenticate with short-lived IAM tokens instead of long-lived passwords.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.html
# custom:
#   id: RDS-007
#   severity: medium
#   controls: ["RDS.10", "RDS.12"]
#   remediation: Set iam_database_authentication_enabled = true.
iam_auth contains f if {
	some v in iam_auth_violations
	f := lib.finding(rego.metadata.rule(), v)
}

# Aurora Serverless v1 and some engines do not support it; the engine says.
iam_auth_violations contains v if {
	some v in lib.require(db_types, "iam_database_authentication_enabled", true, "IAM database authentication must be enabled")
}

# METADATA
# title: RDS enhanced monitoring
# description: Enhanced monitoring collects OS metrics (CPU steal, memory, I/O) needed to diagnose a slow database.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.html
# custom:
#   id: RDS-008
#   severity: low
#   controls: ["RDS.6"]
#   remediation: Set monitoring_interval (e.g. 60) and monitoring_role_arn.
monitoring contains f if {
	some v in monitoring_violations
	f := lib.finding(rego.metadata.rule(), v)
}

instances := lib.live("aws_db_instance")

monitoring_violations contains v if {
	some rc in instances
	lib.known(rc, "monitoring_interval")
	not lib.after(rc, "monitoring_interval") > 0
	v := lib.violation(rc, "monitoring_interval", sprintf("%s: enhanced monitoring is off (monitoring_interval = %v)", [rc.address, lib.after(rc, "monitoring_interval")]))
}

monitoring_violations contains v if {
	some v in lib.unknown_violations(instances, "monitoring_interval")
}

# METADATA
# title: RDS automatic minor version upgrades
# description: Minor versions carry security fixes; they are applied in the maintenance window.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.Upgrading.html#USER_UpgradeDBInstance.Upgrading.AutoMinorVersionUpgrades
# custom:
#   id: RDS-009
#   severity: medium
#   controls: ["RDS.13", "RDS.35"]
#   remediation: Leave auto_minor_version_upgrade = true (the default).
minor_upgrades contains f if {
	some v in minor_upgrades_violations
	f := lib.finding(rego.metadata.rule(), v)
}

minor_upgrades_violations contains v if {
	some rc in lib.resources(db_types)
	lib.known(rc, "auto_minor_version_upgrade")
	lib.after(rc, "auto_minor_version_upgrade") == false
	v := lib.violation(rc, "auto_minor_version_upgrade", sprintf("%s: automatic minor version upgrades must stay on", [rc.address]))
}

minor_upgrades_violations contains v if {
	some v in lib.unknown_violations(lib.resources(db_types), "auto_minor_version_upgrade")
}

# METADATA
# title: RDS snapshots carry the tags
# description: Snapshots inherit the database's tags, so ownership and retention tooling sees them.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Tagging.html#USER_Tagging.CopyTags
# custom:
#   id: RDS-010
#   severity: low
#   controls: ["RDS.16", "RDS.17"]
#   remediation: Set copy_tags_to_snapshot = true.
copy_tags contains f if {
	some v in copy_tags_violations
	f := lib.finding(rego.metadata.rule(), v)
}

copy_tags_violations contains v if {
	some v in lib.require(db_types, "copy_tags_to_snapshot", true, "snapshots must copy the tags")
}

# METADATA
# title: RDS logs exported to CloudWatch
# description: Database logs (errors, slow queries, audit) are exported to CloudWatch Logs, where they are retained and searchable.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Procedural.UploadtoCloudWatch.html
# custom:
#   id: RDS-011
#   severity: medium
#   controls: ["RDS.9", "RDS.34"]
#   remediation: Set enabled_cloudwatch_logs_exports (e.g. ["postgresql", "upgrade"]).
log_exports contains f if {
	some v in log_exports_violations
	f := lib.finding(rego.metadata.rule(), v)
}

log_exports_violations contains v if {
	some rc in lib.resources(db_types)
	lib.known(rc, "enabled_cloudwatch_logs_exports")
	lib.empty(lib.after(rc, "enabled_cloudwatch_logs_exports"))
	v := lib.violation(rc, "enabled_cloudwatch_logs_exports", sprintf("%s: no database logs are exported to CloudWatch", [rc.address]))
}

# The attribute is computed when not set; configured from known values it
# is set (an unknown here means a reference to something created).
log_exports_violations contains v if {
	some v in lib.unknown_violations([rc | some rc in lib.resources(db_types); not configured_exports(rc)], "enabled_cloudwatch_logs_exports")
}

configured_exports(rc) if {
	expr := lib.config_resource(rc).expressions.enabled_cloudwatch_logs_exports
	count(object.get(expr, "constant_value", [])) + count(object.get(expr, "references", [])) > 0
}

# METADATA
# title: RDS connections require TLS
# description: The database parameter group refuses unencrypted connections (rds.force_ssl for PostgreSQL, require_secure_transport for MySQL/MariaDB).
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html
# custom:
#   id: RDS-012
#   severity: high
#   controls: ["CKV2_AWS_69"]
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Add parameter { name = "rds.force_ssl", value = "1" } (PostgreSQL) or require_secure_transport = 1 (MySQL) to the parameter group.
tls contains f if {
	some v in tls_violations
	f := lib.finding(rego.metadata.rule(), v)
}

param_group_types := ["aws_db_parameter_group", "aws_rds_cluster_parameter_group"]

tls_parameter(family) := "rds.force_ssl" if regex.match(`^(postgres|aurora-postgresql)`, family)

tls_parameter(family) := "require_secure_transport" if regex.match(`^(mysql|mariadb|aurora-mysql)`, family)

param_value(rc, name) := x if {
	some p in lib.list(lib.after(rc, "parameter"))
	p.name == name
	x := lower(sprintf("%v", [p.value]))
}

# PostgreSQL 15 and later default to rds.force_ssl = 1.
tls_default_on(family) if {
	m := regex.find_all_string_submatch_n(`^postgres(\d+)`, family, 1)
	to_number(m[0][1]) >= 15
}

tls_violations contains v if {
	some rc in lib.resources(param_group_types)
	lib.known(rc, "parameter")
	family := lib.after(rc, "family")
	is_string(family)
	name := tls_parameter(family)
	not tls_on(rc, family, name)
	v := lib.violation(rc, "parameter", sprintf("%s: %s must be on so clients cannot connect without TLS (family %s)", [rc.address, name, family]))
}

tls_on(rc, _, name) if param_value(rc, name) in {"1", "on", "true"}

tls_on(rc, family, name) if {
	not param_value(rc, name)
	tls_default_on(family)
}

tls_violations contains v if {
	some v in lib.unknown_violations(lib.resources(param_group_types), "parameter")
}

# METADATA
# title: RDS custom administrator user name
# description: The master user is not a well-known default (postgres, admin, root), which leaves a guessing attacker one secret to find instead of two.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.MasterAccounts.html
# custom:
#   id: RDS-013
#   severity: medium
#   controls: ["RDS.24", "RDS.25"]
#   remediation: Set username (master_username for clusters) to a name of your own.
admin_name contains f if {
	some v in admin_name_violations
	f := lib.finding(rego.metadata.rule(), v)
}

default_admins := {"admin", "postgres", "root", "administrator", "sa", "master"}

admin_attr("aws_db_instance") := "username"

admin_attr("aws_rds_cluster") := "master_username"

admin_name_violations contains v if {
	some rc in lib.resources(db_types)
	attr := admin_attr(rc.type)
	lib.known(rc, attr)
	name := lib.after(rc, attr)
	is_string(name)
	lower(name) in default_admins
	v := lib.violation(rc, attr, sprintf("%s: the administrator user name %q is a well-known default", [rc.address, name]))
}

admin_name_violations contains v if {
	some t in db_types
	some v in lib.unknown_violations(lib.live(t), admin_attr(t))
}
