package tfgate.test.aws.stateful

import rego.v1

import data.tfgate.aws.stateful
import data.tfgate.fixtures as fx

change(t, name, actions, replace_paths) := {
	"address": sprintf("%s.%s", [t, name]), "mode": "managed", "type": t, "name": name,
	"change": {"actions": actions, "before": {}, "after": null, "after_unknown": {}, "replace_paths": replace_paths},
}

test_replace_db_names_attribute if {
	p := fx.plan([change("aws_db_instance", "main", ["delete", "create"], [["engine"], ["availability_zone"]])])
	some f in stateful.destroy with input as p
	f.id == "STATE-001"
	f.address == "aws_db_instance.main"
	f.attribute == "engine"
	contains(f.message, "engine, availability_zone")
}

test_replace_create_before_destroy if {
	p := fx.plan([change("aws_s3_bucket", "assets", ["create", "delete"], [["bucket"]])])
	some f in stateful.destroy with input as p
	contains(f.message, "bucket")
}

test_replace_without_paths if {
	p := fx.plan([change("aws_kms_key", "main", ["delete", "create"], [])])
	some f in stateful.destroy with input as p
	contains(f.message, "replacement requested")
}

test_delete_log_group if {
	some f in stateful.destroy with input as fx.plan([change("aws_cloudwatch_log_group", "app", ["delete"], [])])
	contains(f.message, "deletes")
}

test_delete_backup_vault if {
	some f in stateful.destroy with input as fx.plan([change("aws_backup_vault", "main", ["delete"], [])])
	f.address == "aws_backup_vault.main"
}

test_allow_destroy_by_address if {
	p := object.union(fx.plan([change("aws_db_instance", "main", ["delete"], [])]), {"tfgate": {"allow_destroy": ["aws_db_instance.main"]}})
	count(stateful.destroy) == 0 with input as p
}

test_allow_destroy_glob if {
	p := object.union(fx.plan([change("aws_ecr_repository", "app", ["delete"], [])]), {"tfgate": {"allow_destroy": ["aws_ecr_*"]}})
	count(stateful.destroy) == 0 with input as p
}

test_normalised_action_used if {
	r := object.union(change("aws_cognito_user_pool", "main", ["delete", "create"], [["name"]]), {"action": "replace"})
	some f in stateful.destroy with input as {"resources_by_type": {"aws_cognito_user_pool": [r]}, "resource_changes": [r]}
	f.attribute == "name"
}

test_stateless_delete_allowed if {
	count(stateful.destroy) == 0 with input as fx.plan([change("aws_lb_listener", "http", ["delete"], [])])
}

test_update_not_guarded if {
	count(stateful.destroy) == 0 with input as fx.plan([change("aws_db_instance", "main", ["update"], [])])
}
