package tfgate.test.main

import rego.v1

import data.main
import data.tfgate.fixtures as fx

db := fx.rc("aws_db_instance", "main", {
	"deletion_protection": false, "multi_az": true, "storage_encrypted": true,
	"backup_retention_period": 7, "publicly_accessible": false, "skip_final_snapshot": false,
})

with_env(p, env) := object.union(p, {"variables": {"environment": {"value": env}}})

test_production_denies if {
	some msg in main.deny with input as with_env(fx.plan([db]), "production")
	startswith(msg, "[RDS-001] aws_db_instance.main")
}

test_staging_warns if {
	some msg in main.warn with input as with_env(fx.plan([db]), "staging")
	startswith(msg, "[RDS-001]")
	count(main.deny) == 0 with input as with_env(fx.plan([db]), "staging")
}

test_dev_advisory_only if {
	count(main.deny) == 0 with input as with_env(fx.plan([db]), "dev")
	count(main.warn) == 0 with input as with_env(fx.plan([db]), "dev")
}

test_unknown_warns if {
	p := with_env(fx.plan([fx.rc_unknown("aws_kms_key", "k", {"deletion_window_in_days": 30, "is_enabled": true}, {"enable_key_rotation": true})]), "production")
	some msg in main.warn with input as p
	startswith(msg, "[KMS-001]")
}

test_enforcement_defaults if {
	main.enforcement({"severity": "medium", "enforcement": {}}) == "warn" with input as {}
	main.enforcement({"severity": "medium", "enforcement": {}}) == "advisory" with input as {"tfgate": {"environment": "dev"}}
	main.enforcement({"severity": "high", "enforcement": {"production": "deny"}}) == "deny" with input as {"tfgate": {"environment": "qa"}}
	main.enforcement({"severity": "low", "enforcement": {}}) == "advisory" with input as {"tfgate": {"environment": "qa"}}
}
