# Input variables. Defaults follow the infrastructure document; env/<env>.tfvars
# override them per environment. No secret has a default here: secrets are
# entered after deployment into SSM SecureString parameters (see secrets.tf).

# ---------------------------------------------------------------------------
# General
# ---------------------------------------------------------------------------

variable "project_name" {
  description = "Project name, used as the prefix of every resource name and of the SSM parameter path."
  type        = string
  default     = "saprism"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.project_name))
    error_message = "project_name must be 3-20 characters of lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Deployment environment: dev, staging or production."
  type        = string
  default     = "production"

  validation {
    condition     = contains(["dev", "staging", "production"], var.environment)
    error_message = "environment must be one of: dev, staging, production."
  }
}

variable "aws_region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region must be an AWS region name such as us-east-1."
  }
}

variable "tags" {
  description = "Extra tags applied to every resource (Project, Environment and ManagedBy are always set and cannot be overridden)."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.tags) : length(k) <= 128 && !startswith(lower(k), "aws:")])
    error_message = "tags keys must be at most 128 characters and must not start with aws:."
  }
}

variable "kms_deletion_window_days" {
  description = "Waiting period before a scheduled KMS key deletion completes (7-30 days)."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days must be between 7 and 30."
  }
}

# ---------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------

variable "vpc_cidr" {
  description = "CIDR block of the VPC. Public, private (app) and database subnets are carved out of it as /24s."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) <= 20
    error_message = "vpc_cidr must be a valid IPv4 CIDR block of /20 or larger."
  }
}

variable "az_count" {
  description = "Number of availability zones to spread subnets over (2 or more for ALB and Multi-AZ RDS)."
  type        = number
  default     = 2

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 4
    error_message = "az_count must be between 2 and 4."
  }
}

variable "single_nat_gateway" {
  description = "Use one shared NAT gateway instead of one per availability zone (cheaper, but a single point of failure)."
  type        = bool
  default     = false
}

variable "enable_flow_logs" {
  description = "Send VPC flow logs to CloudWatch Logs."
  type        = bool
  default     = true
}

# ---------------------------------------------------------------------------
# Application / ECS
# ---------------------------------------------------------------------------

variable "app_port" {
  description = "Port the application container listens on."
  type        = number
  default     = 5000

  validation {
    condition     = var.app_port > 0 && var.app_port < 65536
    error_message = "app_port must be a TCP port number (1-65535)."
  }
}

variable "container_image_tag" {
  description = "Tag of the application image in the ECR repository used by the first task definition (tags are immutable; CI/CD pushes commit tags)."
  type        = string
  default     = "initial"

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.container_image_tag))
    error_message = "container_image_tag must be a valid Docker tag."
  }
}

variable "ecs_task_cpu" {
  description = "Fargate task CPU units."
  type        = number
  default     = 256

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.ecs_task_cpu)
    error_message = "ecs_task_cpu must be a Fargate CPU size: 256, 512, 1024, 2048, 4096, 8192 or 16384."
  }
}

variable "ecs_task_memory" {
  description = "Fargate task memory in MiB."
  type        = number
  default     = 512

  validation {
    condition     = var.ecs_task_memory >= 512 && var.ecs_task_memory <= 122880
    error_message = "ecs_task_memory must be between 512 and 122880 MiB."
  }
}

variable "ecs_desired_count" {
  description = "Number of tasks the service starts with (auto-scaling adjusts it afterwards)."
  type        = number
  default     = 1

  validation {
    condition     = var.ecs_desired_count >= 1
    error_message = "ecs_desired_count must be at least 1."
  }
}

variable "ecs_min_capacity" {
  description = "Minimum number of tasks per service for auto-scaling; use at least az_count in production so each AZ keeps a task."
  type        = number
  default     = 1

  validation {
    condition     = var.ecs_min_capacity >= 1
    error_message = "ecs_min_capacity must be at least 1."
  }
}

variable "ecs_max_capacity" {
  description = "Maximum number of tasks for auto-scaling."
  type        = number
  default     = 10

  validation {
    condition     = var.ecs_max_capacity >= 1 && var.ecs_max_capacity <= 100
    error_message = "ecs_max_capacity must be between 1 and 100."
  }
}

variable "autoscaling_cpu_target" {
  description = "Target average CPU utilisation (%) of the service."
  type        = number
  default     = 70

  validation {
    condition     = var.autoscaling_cpu_target > 0 && var.autoscaling_cpu_target <= 100
    error_message = "autoscaling_cpu_target must be a percentage (1-100)."
  }
}

variable "autoscaling_memory_target" {
  description = "Target average memory utilisation (%) of the service."
  type        = number
  default     = 80

  validation {
    condition     = var.autoscaling_memory_target > 0 && var.autoscaling_memory_target <= 100
    error_message = "autoscaling_memory_target must be a percentage (1-100)."
  }
}

variable "autoscaling_websocket_connections_target" {
  description = "Target average number of open WebSocket connections per WebSocket task (metric WebSocketActiveConnections, see ecs.tf)."
  type        = number
  default     = 500

  validation {
    condition     = var.autoscaling_websocket_connections_target > 0
    error_message = "autoscaling_websocket_connections_target must be positive."
  }
}

variable "health_check_path" {
  description = "HTTP path of the application health check."
  type        = string
  default     = "/health"

  validation {
    condition     = startswith(var.health_check_path, "/")
    error_message = "health_check_path must start with '/'."
  }
}

variable "enable_container_insights" {
  description = "Enable CloudWatch Container Insights on the ECS cluster."
  type        = bool
  default     = true
}

variable "enable_execute_command" {
  description = "Allow ECS Exec (interactive shell) into running tasks. Keep off in production."
  type        = bool
  default     = false
}

variable "ecr_image_retention_count" {
  description = "Number of tagged images kept in ECR; older ones expire."
  type        = number
  default     = 30

  validation {
    condition     = var.ecr_image_retention_count >= 1
    error_message = "ecr_image_retention_count must be at least 1."
  }
}

# ---------------------------------------------------------------------------
# Database
# ---------------------------------------------------------------------------

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t3.micro"

  validation {
    condition     = startswith(var.db_instance_class, "db.")
    error_message = "db_instance_class must be an RDS instance class such as db.t3.micro."
  }
}

variable "db_engine_version" {
  description = "PostgreSQL engine version (a major version picks the latest minor)."
  type        = string
  default     = "16"

  validation {
    condition     = can(regex("^1[3-9](\\.[0-9]+)?$", var.db_engine_version))
    error_message = "db_engine_version must be a PostgreSQL version from 13 upwards, such as 16 or 16.4."
  }
}

variable "db_name" {
  description = "Name of the application database."
  type        = string
  default     = "saprism"

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9_]{0,62}$", var.db_name))
    error_message = "db_name must start with a letter and hold only letters, digits and underscores (max 63)."
  }
}

variable "db_username" {
  description = "Master user name of the database. Its password is generated and rotated by RDS in Secrets Manager."
  type        = string
  default     = "saprism_admin"

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9_]{0,62}$", var.db_username)) && !contains(["postgres", "rdsadmin", "admin"], lower(var.db_username))
    error_message = "db_username must start with a letter, hold only letters, digits and underscores, and not be a reserved name."
  }
}

variable "db_allocated_storage" {
  description = "Initial database storage in GB."
  type        = number
  default     = 20

  validation {
    condition     = var.db_allocated_storage >= 20 && var.db_allocated_storage <= 65536
    error_message = "db_allocated_storage must be between 20 and 65536 GB."
  }
}

variable "db_max_allocated_storage" {
  description = "Upper limit in GB for RDS storage autoscaling."
  type        = number
  default     = 100

  validation {
    condition     = var.db_max_allocated_storage >= 20 && var.db_max_allocated_storage <= 65536
    error_message = "db_max_allocated_storage must be between 20 and 65536 GB."
  }
}

variable "db_backup_retention_period" {
  description = "Days of automated RDS backups to keep."
  type        = number
  default     = 7

  validation {
    condition     = var.db_backup_retention_period >= 1 && var.db_backup_retention_period <= 35
    error_message = "db_backup_retention_period must be between 1 and 35 days."
  }
}

variable "multi_az" {
  description = "Run the database as a Multi-AZ deployment (recommended for production)."
  type        = bool
  default     = false
}

variable "enable_deletion_protection" {
  description = "Protect the database, the load balancer and the Cognito user pool against deletion (recommended for production)."
  type        = bool
  default     = false
}

variable "skip_final_snapshot" {
  description = "Skip the final database snapshot on destroy. null means: skip only in dev."
  type        = bool
  default     = null
}

variable "enable_performance_insights" {
  description = "Enable RDS Performance Insights."
  type        = bool
  default     = true
}

variable "db_monitoring_interval" {
  description = "RDS enhanced monitoring interval in seconds (0 disables it)."
  type        = number
  default     = 60

  validation {
    condition     = contains([0, 1, 5, 10, 15, 30, 60], var.db_monitoring_interval)
    error_message = "db_monitoring_interval must be one of 0, 1, 5, 10, 15, 30, 60."
  }
}

variable "enable_rds_proxy" {
  description = "Put an RDS Proxy (TLS required, authenticating with the RDS-managed secret) between the tasks and the database; DATABASE_URL then points at the proxy."
  type        = bool
  default     = false
}

variable "db_proxy_idle_client_timeout" {
  description = "Seconds an idle client connection to the RDS Proxy stays open."
  type        = number
  default     = 1800

  validation {
    condition     = var.db_proxy_idle_client_timeout >= 1 && var.db_proxy_idle_client_timeout <= 28800
    error_message = "db_proxy_idle_client_timeout must be between 1 and 28800 seconds."
  }
}

variable "db_proxy_max_connections_percent" {
  description = "Share (%) of the database's max_connections the RDS Proxy may use."
  type        = number
  default     = 80

  validation {
    condition     = var.db_proxy_max_connections_percent >= 1 && var.db_proxy_max_connections_percent <= 100
    error_message = "db_proxy_max_connections_percent must be a percentage (1-100)."
  }
}

variable "enable_backup_plan" {
  description = "Back up the database and the app bucket with AWS Backup (KMS-encrypted vault, daily and weekly rules)."
  type        = bool
  default     = false
}

variable "backup_daily_retention_days" {
  description = "Days AWS Backup keeps a daily recovery point."
  type        = number
  default     = 7

  validation {
    condition     = var.backup_daily_retention_days >= 1
    error_message = "backup_daily_retention_days must be at least 1."
  }
}

variable "backup_weekly_retention_days" {
  description = "Days AWS Backup keeps a weekly recovery point."
  type        = number
  default     = 35

  validation {
    condition     = var.backup_weekly_retention_days >= 7
    error_message = "backup_weekly_retention_days must be at least 7."
  }
}

# ---------------------------------------------------------------------------
# Domain, TLS and load balancer
# ---------------------------------------------------------------------------

variable "domain_name" {
  description = "Custom domain of the application. Empty means no certificate and a plain HTTP listener (dev only)."
  type        = string
  default     = ""

  validation {
    condition     = var.domain_name == "" || can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,}$", var.domain_name))
    error_message = "domain_name must be empty or a lowercase DNS name such as app.example.com."
  }
}

variable "subject_alternative_names" {
  description = "Additional names on the ACM certificate (for example www.your-domain.com)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for n in var.subject_alternative_names : can(regex("^(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,}$", n))])
    error_message = "subject_alternative_names must be lowercase DNS names (a leading *. is allowed)."
  }
}

variable "route53_zone_id" {
  description = "Route 53 hosted zone of domain_name. When set, certificate validation records are created automatically; otherwise create them at your DNS provider."
  type        = string
  default     = ""

  validation {
    condition     = var.route53_zone_id == "" || can(regex("^Z[A-Z0-9]{1,31}$", var.route53_zone_id))
    error_message = "route53_zone_id must be empty or a Route 53 hosted zone id (Z...)."
  }
}

variable "ssl_policy" {
  description = "TLS security policy of the HTTPS listener (TLS 1.2 or newer)."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"

  validation {
    condition     = can(regex("TLS13-1-[23]|TLS-1-2|FS-1-2", var.ssl_policy))
    error_message = "ssl_policy must be an ELB policy that allows only TLS 1.2 or newer (for example ELBSecurityPolicy-TLS13-1-2-2021-06)."
  }
}

variable "websocket_idle_timeout" {
  description = "ALB idle timeout in seconds; long enough to keep idle WebSocket connections open."
  type        = number
  default     = 3600

  validation {
    condition     = var.websocket_idle_timeout >= 60 && var.websocket_idle_timeout <= 4000
    error_message = "websocket_idle_timeout must be between 60 and 4000 seconds."
  }
}

variable "websocket_stickiness_duration" {
  description = "Lifetime in seconds of the load balancer cookie that pins a WebSocket client to one task."
  type        = number
  default     = 86400

  validation {
    condition     = var.websocket_stickiness_duration >= 1 && var.websocket_stickiness_duration <= 604800
    error_message = "websocket_stickiness_duration must be between 1 and 604800 seconds."
  }
}

variable "alb_log_retention_days" {
  description = "Days to keep ALB access logs in S3."
  type        = number
  default     = 90

  validation {
    condition     = var.alb_log_retention_days >= 1
    error_message = "alb_log_retention_days must be at least 1."
  }
}

# ---------------------------------------------------------------------------
# Authentication (Cognito)
# ---------------------------------------------------------------------------

variable "cognito_mfa_configuration" {
  description = "Cognito MFA: OFF, OPTIONAL or ON (software token). ON in production."
  type        = string
  default     = "OPTIONAL"

  validation {
    condition     = contains(["OFF", "OPTIONAL", "ON"], var.cognito_mfa_configuration)
    error_message = "cognito_mfa_configuration must be OFF, OPTIONAL or ON."
  }
}

variable "cognito_password_min_length" {
  description = "Minimum password length of the Cognito user pool."
  type        = number
  default     = 12

  validation {
    condition     = var.cognito_password_min_length >= 8 && var.cognito_password_min_length <= 99
    error_message = "cognito_password_min_length must be between 8 and 99."
  }
}

variable "cognito_advanced_security_mode" {
  description = "Cognito threat protection (advanced security): OFF, AUDIT or ENFORCED. Anything but OFF needs the PLUS feature plan."
  type        = string
  default     = "ENFORCED"

  validation {
    condition     = contains(["OFF", "AUDIT", "ENFORCED"], var.cognito_advanced_security_mode)
    error_message = "cognito_advanced_security_mode must be OFF, AUDIT or ENFORCED."
  }
}

variable "cognito_callback_path" {
  description = "Path of the OAuth callback on the application."
  type        = string
  default     = "/api/auth/callback"

  validation {
    condition     = startswith(var.cognito_callback_path, "/")
    error_message = "cognito_callback_path must start with '/'."
  }
}

variable "cognito_logout_path" {
  description = "Path the hosted UI redirects to after logout."
  type        = string
  default     = "/"

  validation {
    condition     = startswith(var.cognito_logout_path, "/")
    error_message = "cognito_logout_path must start with '/'."
  }
}

variable "cognito_extra_callback_urls" {
  description = "Additional OAuth callback URLs (for example http://localhost:5000/api/auth/callback for local development)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for u in var.cognito_extra_callback_urls : startswith(u, "https://") || startswith(u, "http://localhost")])
    error_message = "cognito_extra_callback_urls must use https:// (plain http only for localhost)."
  }
}

# ---------------------------------------------------------------------------
# Security
# ---------------------------------------------------------------------------

variable "waf_rate_limit" {
  description = "Maximum requests per client IP in any 5-minute window before WAF blocks it."
  type        = number
  default     = 2000

  validation {
    condition     = var.waf_rate_limit >= 100 && var.waf_rate_limit <= 2000000000
    error_message = "waf_rate_limit must be between 100 and 2000000000."
  }
}

variable "enable_vpc_endpoints" {
  description = "Create VPC endpoints (S3 gateway; ECR, CloudWatch Logs, SSM and Secrets Manager interfaces) so tasks reach AWS privately."
  type        = bool
  default     = false
}

# ---------------------------------------------------------------------------
# Storage and CDN
# ---------------------------------------------------------------------------

variable "enable_cloudfront" {
  description = "Serve the app bucket through a CloudFront distribution with origin access control."
  type        = bool
  default     = false
}

variable "cloudfront_price_class" {
  description = "CloudFront price class."
  type        = string
  default     = "PriceClass_100"

  validation {
    condition     = contains(["PriceClass_All", "PriceClass_200", "PriceClass_100"], var.cloudfront_price_class)
    error_message = "cloudfront_price_class must be PriceClass_All, PriceClass_200 or PriceClass_100."
  }
}

variable "s3_noncurrent_version_expiration_days" {
  description = "Days after which non-current object versions in the app bucket expire."
  type        = number
  default     = 90

  validation {
    condition     = var.s3_noncurrent_version_expiration_days >= 1
    error_message = "s3_noncurrent_version_expiration_days must be at least 1."
  }
}

variable "force_destroy_buckets" {
  description = "Allow destroying non-empty buckets and ECR repositories (only sensible for disposable dev stacks)."
  type        = bool
  default     = false
}

# ---------------------------------------------------------------------------
# Monitoring
# ---------------------------------------------------------------------------

variable "alert_email" {
  description = "E-mail address subscribed to the alarm SNS topic. Empty means no subscription."
  type        = string
  default     = ""

  validation {
    condition     = var.alert_email == "" || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alert_email))
    error_message = "alert_email must be empty or a valid e-mail address."
  }
}

variable "log_retention_days" {
  description = "Retention of the CloudWatch log groups in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...)."
  }
}

variable "enable_xray" {
  description = "Run the X-Ray daemon sidecar and create a sampling rule."
  type        = bool
  default     = false
}

variable "xray_daemon_image" {
  description = "Container image of the X-Ray daemon sidecar."
  type        = string
  default     = "public.ecr.aws/xray/aws-xray-daemon:3.3.14"

  validation {
    condition     = can(regex(":[A-Za-z0-9_.-]+$", var.xray_daemon_image)) && !endswith(var.xray_daemon_image, ":latest")
    error_message = "xray_daemon_image must carry an explicit tag other than latest."
  }
}

variable "alarm_5xx_threshold" {
  description = "Number of 5XX responses in 5 minutes that raises the error alarm."
  type        = number
  default     = 10

  validation {
    condition     = var.alarm_5xx_threshold > 0
    error_message = "alarm_5xx_threshold must be positive."
  }
}

variable "alarm_response_time_threshold" {
  description = "Average target response time in seconds that raises the latency alarm."
  type        = number
  default     = 2

  validation {
    condition     = var.alarm_response_time_threshold > 0
    error_message = "alarm_response_time_threshold must be positive."
  }
}

variable "alarm_cpu_threshold" {
  description = "CPU utilisation (%) of the service or the database that raises the CPU alarms."
  type        = number
  default     = 80

  validation {
    condition     = var.alarm_cpu_threshold > 0 && var.alarm_cpu_threshold <= 100
    error_message = "alarm_cpu_threshold must be a percentage (1-100)."
  }
}

variable "alarm_db_connections_threshold" {
  description = "Number of database connections that raises the connection alarm."
  type        = number
  default     = 80

  validation {
    condition     = var.alarm_db_connections_threshold > 0
    error_message = "alarm_db_connections_threshold must be positive."
  }
}

variable "alarm_db_proxy_client_connections_threshold" {
  description = "Number of client connections to the RDS Proxy that raises its connection alarm."
  type        = number
  default     = 500

  validation {
    condition     = var.alarm_db_proxy_client_connections_threshold > 0
    error_message = "alarm_db_proxy_client_connections_threshold must be positive."
  }
}

variable "alarm_db_free_storage_bytes" {
  description = "Free database storage in bytes below which the storage alarm fires."
  type        = number
  default     = 2147483648

  validation {
    condition     = var.alarm_db_free_storage_bytes > 0
    error_message = "alarm_db_free_storage_bytes must be positive."
  }
}

# ---------------------------------------------------------------------------
# CI/CD
# ---------------------------------------------------------------------------

variable "enable_cicd" {
  description = "Create the CodePipeline (GitHub source, CodeBuild, CodeDeploy blue/green to ECS)."
  type        = bool
  default     = false
}

variable "github_owner" {
  description = "GitHub organisation or user that owns the repository."
  type        = string
  default     = ""

  validation {
    condition     = var.github_owner == "" || can(regex("^[A-Za-z0-9][A-Za-z0-9-]{0,38}$", var.github_owner))
    error_message = "github_owner must be a GitHub user or organisation name."
  }
}

variable "github_repo" {
  description = "GitHub repository name."
  type        = string
  default     = "saprism"

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,100}$", var.github_repo))
    error_message = "github_repo must be a GitHub repository name."
  }
}

variable "github_branch" {
  description = "Branch the pipeline builds."
  type        = string
  default     = "main"

  validation {
    condition     = length(var.github_branch) > 0 && !can(regex("\\s", var.github_branch))
    error_message = "github_branch must be a non-empty branch name without spaces."
  }
}

variable "github_token" {
  description = "GitHub personal access token used by the build (private dependencies, commit status). Written to an SSM SecureString; a value given here also lands in the Terraform state (encrypted in the state bucket), so prefer leaving it empty and setting the parameter afterwards with put-parameter. Never put it in a tfvars file."
  type        = string
  default     = ""
  sensitive   = true
}

variable "codebuild_compute_type" {
  description = "CodeBuild compute type."
  type        = string
  default     = "BUILD_GENERAL1_SMALL"

  validation {
    condition     = startswith(var.codebuild_compute_type, "BUILD_")
    error_message = "codebuild_compute_type must be a CodeBuild compute type such as BUILD_GENERAL1_SMALL."
  }
}

variable "codedeploy_config_name" {
  description = "CodeDeploy deployment configuration of the blue/green ECS deployment."
  type        = string
  default     = "CodeDeployDefault.ECSAllAtOnce"

  validation {
    condition     = startswith(var.codedeploy_config_name, "CodeDeployDefault.ECS")
    error_message = "codedeploy_config_name must be an ECS deployment configuration (CodeDeployDefault.ECS...)."
  }
}
