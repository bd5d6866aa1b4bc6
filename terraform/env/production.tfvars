# production: the document's "Production Readiness" checklist.
#   [x] enable_deletion_protection = true
#   [x] multi_az = true
#   [x] backup retention >= 7 days (14), final snapshot, AWS Backup 35/90 days; DR: docs/restore-runbook.md
#   [x] alert notifications (alert_email)
#   [x] NAT gateway and a task per AZ, Container Insights, X-Ray, VPC endpoints, MFA on

project_name = "saprism"
environment  = "production"
aws_region   = "us-east-1"

domain_name = "app.saprism.example.com"
subject_alternative_names = [
  "www.app.saprism.example.com",
]
alert_email = "alerts@saprism.example.com"

single_nat_gateway = false
az_count           = 2
ecs_task_cpu       = 512
ecs_task_memory    = 1024
ecs_desired_count  = 2
ecs_min_capacity   = 2 # one task per AZ (az_count) for each service
ecs_max_capacity   = 10
db_instance_class  = "db.t3.medium"

enable_deletion_protection = true
multi_az                   = true
skip_final_snapshot        = false
db_backup_retention_period = 14
db_max_allocated_storage   = 100
kms_deletion_window_days   = 30
log_retention_days         = 90
alb_log_retention_days     = 365
force_destroy_buckets      = false

enable_container_insights      = true
enable_execute_command         = false
cognito_mfa_configuration      = "ON"
cognito_advanced_security_mode = "ENFORCED"
cognito_password_min_length    = 14

enable_rds_proxy             = true
enable_backup_plan           = true
backup_daily_retention_days  = 35
backup_weekly_retention_days = 90

enable_cloudfront    = true
enable_vpc_endpoints = true
enable_xray          = true
enable_cicd          = true
github_owner         = "saprism"
github_repo          = "saprism"
github_branch        = "main"
waf_rate_limit       = 2000
