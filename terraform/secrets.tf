# SSM Parameter Store: every value the application reads at start-up, as
# SecureString under /<project>/<environment>/, encrypted with the secrets KMS
# key. The ECS task receives them through `secrets` (ecs.tf), never as plain
# environment variables.
#
# External credentials are created with a placeholder and then set by hand:
#   aws ssm put-parameter --name "/saprism/production/openai_api_key" \
#     --value "..." --type SecureString --key-id alias/saprism-production-secrets --overwrite
# `ignore_changes = [value]` keeps the next apply from reverting them, and no
# real secret ever passes through Terraform, its plan or its state.
#
# Values Terraform itself knows (database URL, Cognito ids) are managed here.

locals {
  secret_placeholder = "CHANGE_ME"

  # External service credentials: name under the SSM prefix -> description.
  external_credentials = {
    openai_api_key           = "OpenAI API key"
    salesforce_client_id     = "Salesforce connected app client id"
    salesforce_client_secret = "Salesforce connected app client secret"
    livekit_api_key          = "LiveKit API key"
    livekit_api_secret       = "LiveKit API secret"
    livekit_url              = "LiveKit server URL (wss://...)"
    # The application must refuse to start while this still holds the placeholder.
    session_secret = "Session signing secret (set to a long random value, e.g. openssl rand -hex 32)"
  }
}

# --- external service credentials (set after deployment) -------------------

resource "aws_ssm_parameter" "external" {
  for_each = local.external_credentials

  name        = "${local.ssm_prefix}/${each.key}"
  description = each.value
  type        = "SecureString"
  key_id      = aws_kms_key.secrets.arn
  value       = local.secret_placeholder

  lifecycle {
    ignore_changes = [value]
  }
}

# --- values managed by Terraform --------------------------------------------

# Connection string WITHOUT the password, to the RDS Proxy when
# enable_rds_proxy (database.tf), else to the instance. The password is the RDS-managed
# (and rotated) master secret in Secrets Manager: the task receives its ARN as
# DATABASE_SECRET_ARN and reads the `password` key of that secret with its
# task role when it connects (ecs.tf).
resource "aws_ssm_parameter" "database_url" {
  name        = "${local.ssm_prefix}/database_url"
  description = "PostgreSQL connection string without password (see database_secret_arn)"
  type        = "SecureString"
  key_id      = aws_kms_key.secrets.arn
  value       = "postgresql://${var.db_username}@${local.db_connect_host}:5432/${var.db_name}?sslmode=require"
}

resource "aws_ssm_parameter" "database_secret_arn" {
  name        = "${local.ssm_prefix}/database_secret_arn"
  description = "ARN of the Secrets Manager secret that holds the RDS master password"
  type        = "SecureString"
  key_id      = aws_kms_key.secrets.arn
  value       = local.db_secret_arn
}

resource "aws_ssm_parameter" "cognito_user_pool_id" {
  name        = "${local.ssm_prefix}/cognito_user_pool_id"
  description = "Cognito user pool id"
  type        = "SecureString"
  key_id      = aws_kms_key.secrets.arn
  value       = aws_cognito_user_pool.main.id
}

resource "aws_ssm_parameter" "cognito_client_id" {
  name        = "${local.ssm_prefix}/cognito_client_id"
  description = "Cognito app client id"
  type        = "SecureString"
  key_id      = aws_kms_key.secrets.arn
  value       = aws_cognito_user_pool_client.main.id
}

resource "aws_ssm_parameter" "cognito_client_secret" {
  name        = "${local.ssm_prefix}/cognito_client_secret"
  description = "Cognito app client secret"
  type        = "SecureString"
  key_id      = aws_kms_key.secrets.arn
  value       = aws_cognito_user_pool_client.main.client_secret
}

# GitHub token of the build. Written once from var.github_token (or the
# placeholder) and then maintained out of band, like the external keys.
resource "aws_ssm_parameter" "github_token" {
  count = var.enable_cicd ? 1 : 0

  name        = "${local.ssm_prefix}/github_token"
  description = "GitHub token used by CodeBuild"
  type        = "SecureString"
  key_id      = aws_kms_key.secrets.arn
  value       = var.github_token != "" ? var.github_token : local.secret_placeholder

  lifecycle {
    ignore_changes = [value]
  }
}
