# dev: every feature on, smallest sizes, disposable (the end-to-end suite
# brings this environment up on the local emulator).

project_name = "saprism"
environment  = "dev"
aws_region   = "us-east-1"

domain_name = "dev.saprism.example.com"
alert_email = "alerts-dev@saprism.example.com"

# Smallest sizes, one NAT gateway.
single_nat_gateway = true
ecs_task_cpu       = 256
ecs_task_memory    = 512
ecs_desired_count  = 1
ecs_min_capacity   = 1
ecs_max_capacity   = 2
db_instance_class  = "db.t3.micro"

# Disposable: no protection, no final snapshot, buckets may be emptied.
enable_deletion_protection = false
multi_az                   = false
skip_final_snapshot        = true
db_backup_retention_period = 1
force_destroy_buckets      = true
kms_deletion_window_days   = 7
log_retention_days         = 7

enable_execute_command         = true
cognito_mfa_configuration      = "OPTIONAL"
cognito_advanced_security_mode = "AUDIT"
cognito_extra_callback_urls    = ["http://localhost:5000/api/auth/callback"]

# Every feature flag on.
enable_rds_proxy             = true
enable_backup_plan           = true
backup_daily_retention_days  = 1
backup_weekly_retention_days = 7
enable_cloudfront            = true
enable_vpc_endpoints         = true
enable_xray                  = true
enable_cicd                  = true
github_owner                 = "saprism"
github_repo                  = "saprism"
github_branch                = "develop"
waf_rate_limit               = 2000
