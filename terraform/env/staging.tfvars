# staging: production-like shape at smaller scale.

project_name = "saprism"
environment  = "staging"
aws_region   = "us-east-1"

domain_name = "staging.saprism.example.com"
alert_email = "alerts-staging@saprism.example.com"

single_nat_gateway = true
ecs_task_cpu       = 256
ecs_task_memory    = 512
ecs_desired_count  = 1
ecs_min_capacity   = 1
ecs_max_capacity   = 4
db_instance_class  = "db.t3.small"

enable_deletion_protection = false
multi_az                   = false
skip_final_snapshot        = false
db_backup_retention_period = 7
kms_deletion_window_days   = 14
log_retention_days         = 30

cognito_mfa_configuration      = "ON"
cognito_advanced_security_mode = "AUDIT"

# Backups as in production at shorter retention; no RDS Proxy (one small
# service pair fits the instance's connection limit).
enable_backup_plan           = true
backup_daily_retention_days  = 7
backup_weekly_retention_days = 28

enable_cloudfront    = false
enable_vpc_endpoints = true
enable_xray          = true
enable_cicd          = true
github_owner         = "saprism"
github_repo          = "saprism"
github_branch        = "main"
waf_rate_limit       = 2000
