package tfgate.test.aws.rds

import rego.v1

import data.tfgate.aws.rds
import data.tfgate.fixtures as fx

good := {
	"deletion_protection": true, "multi_az": true, "storage_encrypted": true,
	"backup_retention_period": 7, "publicly_accessible": false, "skip_final_snapshot": false,
}

db(over) := fx.plan([fx.rc("aws_db_instance", "main", object.union(good, over))])

test_good_db_passes if {
	((((count(rds.deletion_protection) + count(rds.multi_az)) + count(rds.storage_encrypted)) + count(rds.backup_retention)) + count(rds.not_public)) + count(rds.final_snapshot) == 0 with input as db({})
}

test_deletion_protection_off if {
	some f in rds.deletion_protection with input as db({"deletion_protection": false})
	f.id == "RDS-001"
	f.address == "aws_db_instance.main"
	f.attribute == "deletion_protection"
}

test_deletion_protection_unknown if {
	some f in rds.deletion_protection with input as fx.plan([fx.rc_unknown("aws_db_instance", "main", object.remove(good, ["deletion_protection"]), {"deletion_protection": true})])
	f.unknown
}

test_cluster_deletion_protection_off if {
	some f in rds.deletion_protection with input as fx.plan([fx.rc("aws_rds_cluster", "c", {"deletion_protection": false})])
	f.address == "aws_rds_cluster.c"
}

test_multi_az_off if {
	some f in rds.multi_az with input as db({"multi_az": false})
	f.id == "RDS-002"
}

test_storage_encrypted_off if {
	some f in rds.storage_encrypted with input as db({"storage_encrypted": false})
	f.id == "RDS-003"
}

test_backup_retention_short if {
	some f in rds.backup_retention with input as db({"backup_retention_period": 1})
	f.id == "RDS-004"
}

test_backup_retention_unknown if {
	some f in rds.backup_retention with input as fx.plan([fx.rc_unknown("aws_db_instance", "main", good, {"backup_retention_period": true})])
	f.unknown
}

test_public_db if {
	some f in rds.not_public with input as db({"publicly_accessible": true})
	f.id == "RDS-005"
}

test_public_unknown if {
	some f in rds.not_public with input as fx.plan([fx.rc_unknown("aws_db_instance", "main", good, {"publicly_accessible": true})])
	f.unknown
}

test_skip_final_snapshot if {
	some f in rds.final_snapshot with input as db({"skip_final_snapshot": true})
	f.id == "RDS-006"
}

test_deleted_db_not_checked if {
	p := {"resource_changes": [{
		"address": "aws_db_instance.main", "mode": "managed", "type": "aws_db_instance", "name": "main",
		"change": {"actions": ["delete"], "before": good, "after": null, "after_unknown": {}},
	}]}
	count(rds.multi_az) == 0 with input as p
}

test_postgres15_defaults_to_tls if {
	count(rds.tls) == 0 with input as fx.plan([fx.rc("aws_db_parameter_group", "pg", {"family": "postgres16", "parameter": []})])
}

test_postgres_force_ssl_off if {
	some f in rds.tls with input as fx.plan([fx.rc("aws_db_parameter_group", "pg", {"family": "postgres16", "parameter": [{"name": "rds.force_ssl", "value": "0"}]})])
	f.id == "RDS-012"
}

test_aurora_mysql_cluster_group if {
	some f in rds.tls with input as fx.plan([fx.rc("aws_rds_cluster_parameter_group", "pg", {"family": "aurora-mysql8.0", "parameter": [{"name": "require_secure_transport", "value": "OFF"}]})])
	f.address == "aws_rds_cluster_parameter_group.pg"
}

test_aurora_postgres_needs_force_ssl if {
	some f in rds.tls with input as fx.plan([fx.rc("aws_rds_cluster_parameter_group", "pg", {"family": "aurora-postgresql15", "parameter": []})])
	f.id == "RDS-012"
}

test_cluster_master_username if {
	some f in rds.admin_name with input as fx.plan([fx.rc("aws_rds_cluster", "c", {"master_username": "admin"})])
	f.attribute == "master_username"
}

test_log_exports_configured_from_variable if {
	p := fx.with_config([fx.rc_unknown("aws_db_instance", "db", {}, {"enabled_cloudwatch_logs_exports": true})], [fx.ref_config("aws_db_instance", "db", "enabled_cloudwatch_logs_exports", ["var.logs"])])
	count(rds.log_exports) == 0 with input as p
}
