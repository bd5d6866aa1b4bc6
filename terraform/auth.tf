# Amazon Cognito replaces Replit OpenID Connect: a user pool with a strict
# password policy, MFA and threat protection; an app client for the OAuth
# authorization-code flow through the hosted UI; an identity pool whose
# authenticated role may only touch the user's own upload prefix.

locals {
  cognito_mfa_enabled = var.cognito_mfa_configuration != "OFF"

  cognito_callback_urls = distinct(concat(
    local.https_enabled ? ["https://${var.domain_name}${var.cognito_callback_path}"] : ["http://localhost:${var.app_port}${var.cognito_callback_path}"],
    var.cognito_extra_callback_urls,
  ))

  cognito_logout_urls = local.https_enabled ? ["https://${var.domain_name}${var.cognito_logout_path}"] : ["http://localhost:${var.app_port}${var.cognito_logout_path}"]
}

resource "aws_cognito_user_pool" "main" {
  name = "${local.name}-users"

  username_attributes      = ["email"]
  auto_verified_attributes = ["email"]
  deletion_protection      = var.enable_deletion_protection ? "ACTIVE" : "INACTIVE"

  # Threat protection (advanced security) is a PLUS feature.
  user_pool_tier = var.cognito_advanced_security_mode == "OFF" ? "ESSENTIALS" : "PLUS"

  password_policy {
    minimum_length                   = var.cognito_password_min_length
    require_lowercase                = true
    require_uppercase                = true
    require_numbers                  = true
    require_symbols                  = true
    temporary_password_validity_days = 7
  }

  mfa_configuration = var.cognito_mfa_configuration

  dynamic "software_token_mfa_configuration" {
    for_each = local.cognito_mfa_enabled ? [1] : []
    content {
      enabled = true
    }
  }

  account_recovery_setting {
    recovery_mechanism {
      name     = "verified_email"
      priority = 1
    }
  }

  verification_message_template {
    default_email_option = "CONFIRM_WITH_CODE"
    email_subject        = "Your ${var.project_name} verification code"
    email_message        = "Your verification code is {####}."
  }

  user_attribute_update_settings {
    attributes_require_verification_before_update = ["email"]
  }

  admin_create_user_config {
    allow_admin_create_user_only = false
  }

  schema {
    name                     = "email"
    attribute_data_type      = "String"
    required                 = true
    mutable                  = true
    developer_only_attribute = false

    string_attribute_constraints {
      min_length = 5
      max_length = 254
    }
  }

  dynamic "user_pool_add_ons" {
    for_each = var.cognito_advanced_security_mode == "OFF" ? [] : [1]
    content {
      advanced_security_mode = var.cognito_advanced_security_mode
    }
  }

  lifecycle {
    # Cognito cannot change the schema of an existing pool.
    ignore_changes = [schema]
  }
}

resource "aws_cognito_user_pool_client" "main" {
  name         = "${local.name}-web"
  user_pool_id = aws_cognito_user_pool.main.id

  # Confidential client: the server-side app exchanges the code with its secret
  # (stored in SSM, secrets.tf).
  generate_secret = true

  allowed_oauth_flows_user_pool_client = true
  allowed_oauth_flows                  = ["code"]
  allowed_oauth_scopes                 = ["openid", "email", "profile"]
  supported_identity_providers         = ["COGNITO"]
  callback_urls                        = local.cognito_callback_urls
  logout_urls                          = local.cognito_logout_urls
  default_redirect_uri                 = local.cognito_callback_urls[0]

  explicit_auth_flows = [
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
  ]

  prevent_user_existence_errors = "ENABLED"
  enable_token_revocation       = true

  access_token_validity  = 60
  id_token_validity      = 60
  refresh_token_validity = 30

  token_validity_units {
    access_token  = "minutes"
    id_token      = "minutes"
    refresh_token = "days"
  }
}

# Hosted UI prefix domain: <project>-<env>-<account>.auth.<region>.amazoncognito.com
resource "aws_cognito_user_pool_domain" "main" {
  domain       = "${local.name}-${local.account_id}"
  user_pool_id = aws_cognito_user_pool.main.id
}

resource "aws_cognito_identity_pool" "main" {
  identity_pool_name               = replace("${local.name}_identities", "-", "_")
  allow_unauthenticated_identities = false
  allow_classic_flow               = false

  cognito_identity_providers {
    client_id               = aws_cognito_user_pool_client.main.id
    provider_name           = aws_cognito_user_pool.main.endpoint
    server_side_token_check = true
  }
}

data "aws_iam_policy_document" "cognito_authenticated_assume" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["cognito-identity.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "cognito-identity.amazonaws.com:aud"
      values   = [aws_cognito_identity_pool.main.id]
    }
    condition {
      test     = "ForAnyValue:StringLike"
      variable = "cognito-identity.amazonaws.com:amr"
      values   = ["authenticated"]
    }
  }
}

resource "aws_iam_role" "cognito_authenticated" {
  name               = "${local.name}-cognito-authenticated"
  assume_role_policy = data.aws_iam_policy_document.cognito_authenticated_assume.json
}

data "aws_iam_policy_document" "cognito_authenticated" {
  statement {
    sid     = "OwnUploads"
    actions = ["s3:GetObject", "s3:PutObject"]
    # The literal ${cognito-identity...} is an IAM policy variable.
    resources = ["${aws_s3_bucket.app.arn}/uploads/$${cognito-identity.amazonaws.com:sub}/*"]
  }

  statement {
    sid       = "UploadEncryption"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [aws_kms_key.main.arn]
  }
}

resource "aws_iam_role_policy" "cognito_authenticated" {
  name   = "own-uploads"
  role   = aws_iam_role.cognito_authenticated.id
  policy = data.aws_iam_policy_document.cognito_authenticated.json
}

resource "aws_cognito_identity_pool_roles_attachment" "main" {
  identity_pool_id = aws_cognito_identity_pool.main.id

  roles = {
    authenticated = aws_iam_role.cognito_authenticated.arn
  }
}
