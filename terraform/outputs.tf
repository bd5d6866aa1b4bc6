# Outputs for integration and for the post-deployment steps. None of them is
# a secret: the database password stays in Secrets Manager (only its ARN is
# shown) and external credentials only in SSM.

output "load_balancer_dns" {
  description = "DNS name of the Application Load Balancer (target of the A/ALIAS or CNAME record)."
  value       = aws_lb.main.dns_name
}

output "load_balancer_zone_id" {
  description = "Hosted zone id of the load balancer, for Route 53 alias records."
  value       = aws_lb.main.zone_id
}

output "app_url" {
  description = "Public URL of the application."
  value       = local.app_url
}

output "certificate_arn" {
  description = "ARN of the ACM certificate (null without domain_name)."
  value       = local.https_enabled ? aws_acm_certificate.main[0].arn : null
}

output "certificate_validation_records" {
  description = "DNS records to create at your DNS provider to validate the certificate."
  value = local.https_enabled ? [
    for dvo in aws_acm_certificate.main[0].domain_validation_options : {
      domain = dvo.domain_name
      name   = dvo.resource_record_name
      type   = dvo.resource_record_type
      value  = dvo.resource_record_value
    }
  ] : []
}

output "cognito_user_pool_id" {
  description = "Cognito user pool id."
  value       = aws_cognito_user_pool.main.id
}

output "cognito_client_id" {
  description = "Cognito app client id (the client secret is only in SSM)."
  value       = aws_cognito_user_pool_client.main.id
}

output "cognito_identity_pool_id" {
  description = "Cognito identity pool id."
  value       = aws_cognito_identity_pool.main.id
}

output "cognito_hosted_ui_url" {
  description = "Base URL of the Cognito hosted UI."
  value       = "https://${aws_cognito_user_pool_domain.main.domain}.auth.${local.region}.amazoncognito.com"
}

output "ecr_repository_url" {
  description = "URL of the ECR repository to push application images to."
  value       = aws_ecr_repository.app.repository_url
}

output "ecs_cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.main.name
}

output "ecs_service_name" {
  description = "Name of the ECS service."
  value       = local.ecs_service_name
}

output "ecs_websocket_service_name" {
  description = "Name of the ECS service behind the WebSocket target group (/ws/*)."
  value       = aws_ecs_service.websocket.name
}

output "log_group_name" {
  description = "CloudWatch log group of the application."
  value       = aws_cloudwatch_log_group.app.name
}

output "dashboard_url" {
  description = "URL of the CloudWatch dashboard."
  value       = "https://${local.region}.console.aws.amazon.com/cloudwatch/home?region=${local.region}#dashboards:name=${aws_cloudwatch_dashboard.main.dashboard_name}"
}

output "sns_topic_arn" {
  description = "ARN of the alarm SNS topic."
  value       = aws_sns_topic.alerts.arn
}

output "app_bucket_name" {
  description = "Name of the application S3 bucket."
  value       = aws_s3_bucket.app.bucket
}

output "alb_logs_bucket_name" {
  description = "Name of the ALB access-log bucket."
  value       = aws_s3_bucket.alb_logs.bucket
}

output "artifacts_bucket_name" {
  description = "Name of the CI/CD artifact bucket (null without enable_cicd)."
  value       = var.enable_cicd ? aws_s3_bucket.artifacts[0].bucket : null
}

output "cloudfront_domain_name" {
  description = "Domain name of the CloudFront distribution (null without enable_cloudfront)."
  value       = var.enable_cloudfront ? aws_cloudfront_distribution.app[0].domain_name : null
}

output "database_endpoint" {
  description = "Address and port of the PostgreSQL instance."
  value       = "${aws_db_instance.main.address}:${aws_db_instance.main.port}"
}

output "database_secret_arn" {
  description = "ARN of the Secrets Manager secret holding the RDS-managed master password (the value is never output)."
  value       = local.db_secret_arn
}

output "ssm_parameter_prefix" {
  description = "SSM path under which the application's parameters live."
  value       = local.ssm_prefix
}

output "vpc_id" {
  description = "Id of the VPC."
  value       = aws_vpc.main.id
}

output "waf_web_acl_arn" {
  description = "ARN of the WAF web ACL associated with the load balancer."
  value       = aws_wafv2_web_acl.main.arn
}

output "codepipeline_name" {
  description = "Name of the CodePipeline (null without enable_cicd)."
  value       = var.enable_cicd ? aws_codepipeline.app[0].name : null
}

output "github_connection_arn" {
  description = "ARN of the CodeStar GitHub connection to authorise in the console (null without enable_cicd)."
  value       = var.enable_cicd ? aws_codestarconnections_connection.github[0].arn : null
}

locals {
  # Target groups whose tasks must report healthy, by service. A service is
  # healthy when any group of its list has healthy targets: under blue/green
  # only the live colour holds targets.
  health_target_groups = merge(
    { app = concat([aws_lb_target_group.app.arn], var.enable_cicd ? [aws_lb_target_group.app_green[0].arn] : []) },
    { websocket = [aws_lb_target_group.websocket.arn] },
  )

  step_push = var.enable_cicd ? 5 : 4

  setup_dns_steps = local.https_enabled ? join("\n", concat(
    ["1. DNS (at your DNS provider, e.g. GoDaddy):"],
    [for dvo in aws_acm_certificate.main[0].domain_validation_options :
    "   - certificate validation: ${dvo.resource_record_type} ${dvo.resource_record_name} -> ${dvo.resource_record_value}"],
    [
      "   - ${var.domain_name}: CNAME (or ALIAS/A record) -> ${aws_lb.main.dns_name}",
    ],
    var.enable_cloudfront ? ["   - cdn.${var.domain_name}: CNAME -> ${aws_cloudfront_distribution.app[0].domain_name}"] : [],
    )) : join("\n", [
    "1. DNS: no domain_name set; the app is served over plain HTTP at http://${aws_lb.main.dns_name} (dev only).",
  ])

  setup_instructions = join("\n", [for line in [
    "Post-deployment steps for ${local.name}",
    "",
    local.setup_dns_steps,
    "",
    "2. Set the external credentials (SecureString, KMS ${aws_kms_alias.secrets.name}):",
    join("\n", [for p in keys(aws_ssm_parameter.external) :
    "   aws ssm put-parameter --name \"${local.ssm_prefix}/${p}\" --value \"...\" --type SecureString --key-id ${aws_kms_alias.secrets.name} --overwrite"]),
    var.enable_cicd ? "   aws ssm put-parameter --name \"${local.ssm_prefix}/github_token\" --value \"...\" --type SecureString --key-id ${aws_kms_alias.secrets.name} --overwrite" : null,
    "",
    "3. The database password is managed by RDS in Secrets Manager: ${local.db_secret_arn}",
    "   DATABASE_URL (${local.ssm_prefix}/database_url) has no password; the task reads it from that secret (DATABASE_SECRET_ARN).",
    var.enable_rds_proxy ? "   The tasks connect through the RDS Proxy ${aws_db_proxy.main[0].endpoint} (TLS required)." : null,
    "",
    # The connection must be authorised before anything starts the pipeline:
    # a pending connection fails the Source stage.
    var.enable_cicd ? "4. Authorise the GitHub connection in the console (Developer Tools > Settings > Connections), then check it is AVAILABLE:" : null,
    var.enable_cicd ? "   aws codestar-connections get-connection --connection-arn ${aws_codestarconnections_connection.github[0].arn} --query Connection.ConnectionStatus" : null,
    var.enable_cicd ? "" : null,
    "${local.step_push}. Push the first image (tags are immutable):",
    "   aws ecr get-login-password --region ${local.region} | docker login --username AWS --password-stdin ${split("/", aws_ecr_repository.app.repository_url)[0]}",
    "   docker build -t ${aws_ecr_repository.app.repository_url}:${var.container_image_tag} . && docker push ${aws_ecr_repository.app.repository_url}:${var.container_image_tag}",
    "",
    "${local.step_push + 1}. Roll out so the tasks pick up the parameters:",
    var.enable_cicd ? "   aws codepipeline start-pipeline-execution --name ${aws_codepipeline.app[0].name}   (blue/green through CodeDeploy, rolling for the WebSocket service)" : "   aws ecs update-service --cluster ${aws_ecs_cluster.main.name} --service ${local.ecs_service_name} --force-new-deployment",
    var.enable_cicd ? null : "   aws ecs update-service --cluster ${aws_ecs_cluster.main.name} --service ${local.ecs_websocket_service_name} --force-new-deployment",
    "",
    "${local.step_push + 2}. Verify the application's health:",
    "   curl -sS -o /dev/null -w '%%{http_code}\\n' ${local.app_url}${var.health_check_path}   -> 200 (the load balancer counts 200-399 as healthy)",
    join("\n", [for name, arns in local.health_target_groups : join("\n", [for arn in arns :
    "   aws elbv2 describe-target-health --target-group-arn ${arn} --query 'TargetHealthDescriptions[].TargetHealth.State'   (${name})"])]),
    "   -> every target \"healthy\"; of the blue/green pair (app) only the live colour has targets, the other answers []",
    "   (`tfgate up` on AWS waits for this itself; the dashboard below shows Healthy/UnHealthyHostCount.)",
    "",
    var.alert_email != "" ? "${local.step_push + 3}. Confirm the SNS subscription e-mail sent to ${var.alert_email} (topic ${aws_sns_topic.alerts.arn})." : "${local.step_push + 3}. No alert_email set: subscribe to ${aws_sns_topic.alerts.arn} to receive alarms.",
    "",
    var.enable_backup_plan ? "Backups:      vault ${aws_backup_vault.main[0].name} (daily ${var.backup_daily_retention_days} d, weekly ${var.backup_weekly_retention_days} d); restore: docs/restore-runbook.md" : "Backups:      RDS automated backups (${var.db_backup_retention_period} d); restore: docs/restore-runbook.md",
    "Application:  ${local.app_url}",
    "Hosted UI:    https://${aws_cognito_user_pool_domain.main.domain}.auth.${local.region}.amazoncognito.com",
    "Dashboard:    https://${local.region}.console.aws.amazon.com/cloudwatch/home?region=${local.region}#dashboards:name=${aws_cloudwatch_dashboard.main.dashboard_name}",
    "Logs:         aws logs tail ${aws_cloudwatch_log_group.app.name} --follow",
  ] : line if line != null])
}

output "health_target_groups" {
  description = "Target group ARNs by service (app: the blue/green pair, websocket); `tfgate up` waits until each service has healthy targets in one of its groups."
  value       = local.health_target_groups
}

output "db_proxy_endpoint" {
  description = "Endpoint of the RDS Proxy the application connects to (null without enable_rds_proxy)."
  value       = var.enable_rds_proxy ? aws_db_proxy.main[0].endpoint : null
}

output "backup_vault_name" {
  description = "AWS Backup vault holding the recovery points (null without enable_backup_plan)."
  value       = var.enable_backup_plan ? aws_backup_vault.main[0].name : null
}

output "setup_instructions" {
  description = "Post-deployment steps with the real values of this stack."
  value       = local.setup_instructions
}
