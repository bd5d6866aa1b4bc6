# CI/CD (enable_cicd): CodePipeline Source (GitHub through a CodeStar
# connection) -> Build (CodeBuild: tests, docker build, push, ECR scan gate)
# -> Deploy (CodeDeploy blue/green to ECS with automatic rollback for the app
# service; a rolling ECS deploy of the same image for the WebSocket service).
#
# The GitHub connection is created PENDING and must be authorised once in the
# console (Developer Tools > Connections). The GitHub token is never in the
# pipeline definition: it lives in the SSM SecureString github_token
# (secrets.tf) and reaches the build as a PARAMETER_STORE variable.

locals {
  cicd_count = var.enable_cicd ? 1 : 0
}

# ---------------------------------------------------------------------------
# Artifact bucket
# ---------------------------------------------------------------------------

resource "aws_s3_bucket" "artifacts" {
  count = local.cicd_count

  bucket        = "${local.name}-artifacts-${local.account_id}"
  force_destroy = var.force_destroy_buckets

  tags = { Name = "${local.name}-artifacts" }
}

resource "aws_s3_bucket_ownership_controls" "artifacts" {
  count = local.cicd_count

  bucket = aws_s3_bucket.artifacts[0].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "artifacts" {
  count = local.cicd_count

  bucket                  = aws_s3_bucket.artifacts[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "artifacts" {
  count = local.cicd_count

  bucket = aws_s3_bucket.artifacts[0].id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "artifacts" {
  count = local.cicd_count

  bucket = aws_s3_bucket.artifacts[0].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.main.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "artifacts" {
  count = local.cicd_count

  bucket = aws_s3_bucket.artifacts[0].id

  rule {
    id     = "expire-artifacts"
    status = "Enabled"

    filter {}

    expiration {
      days = 30
    }

    noncurrent_version_expiration {
      noncurrent_days = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.artifacts]
}

data "aws_iam_policy_document" "artifacts" {
  count = local.cicd_count

  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.artifacts[0].arn,
      "${aws_s3_bucket.artifacts[0].arn}/*",
    ]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "artifacts" {
  count = local.cicd_count

  bucket = aws_s3_bucket.artifacts[0].id
  policy = data.aws_iam_policy_document.artifacts[0].json

  depends_on = [aws_s3_bucket_public_access_block.artifacts]
}

# ---------------------------------------------------------------------------
# GitHub connection
# ---------------------------------------------------------------------------

resource "aws_codestarconnections_connection" "github" {
  count = local.cicd_count

  name          = substr("${local.name}-github", 0, 32)
  provider_type = "GitHub"
}

# ---------------------------------------------------------------------------
# CodeBuild
# ---------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "codebuild" {
  count = local.cicd_count

  name              = "/aws/codebuild/${local.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.monitoring.arn
}

data "aws_iam_policy_document" "codebuild_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["codebuild.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "codebuild" {
  count = local.cicd_count

  name               = "${local.name}-codebuild"
  assume_role_policy = data.aws_iam_policy_document.codebuild_assume.json
}

data "aws_iam_policy_document" "codebuild" {
  count = local.cicd_count

  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.codebuild[0].arn}:*"]
  }

  statement {
    sid       = "Artifacts"
    actions   = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"]
    resources = ["${aws_s3_bucket.artifacts[0].arn}/*"]
  }

  statement {
    sid       = "EcrLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid = "EcrPushAndScan"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:CompleteLayerUpload",
      "ecr:DescribeImageScanFindings",
      "ecr:DescribeImages",
      "ecr:GetDownloadUrlForLayer",
      "ecr:InitiateLayerUpload",
      "ecr:PutImage",
      "ecr:UploadLayerPart",
    ]
    resources = [aws_ecr_repository.app.arn]
  }

  statement {
    sid       = "DescribeTaskDefinition"
    actions   = ["ecs:DescribeTaskDefinition"]
    resources = ["*"]
  }

  statement {
    sid       = "GithubToken"
    actions   = ["ssm:GetParameters"]
    resources = [aws_ssm_parameter.github_token[0].arn]
  }

  statement {
    sid       = "Keys"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.main.arn, aws_kms_key.secrets.arn]
  }
}

resource "aws_iam_role_policy" "codebuild" {
  count = local.cicd_count

  name   = "build"
  role   = aws_iam_role.codebuild[0].id
  policy = data.aws_iam_policy_document.codebuild[0].json
}

locals {
  buildspec = <<-EOT
    version: 0.2
    env:
      shell: bash
    phases:
      pre_build:
        commands:
          - aws ecr get-login-password --region "$AWS_REGION" | docker login --username AWS --password-stdin "$ECR_REGISTRY"
          - IMAGE_TAG="$(echo "$CODEBUILD_RESOLVED_SOURCE_VERSION" | cut -c1-12)"
      build:
        commands:
          - npm ci
          - npm test --if-present
          - docker build -t "$ECR_REPOSITORY_URL:$IMAGE_TAG" .
          - docker push "$ECR_REPOSITORY_URL:$IMAGE_TAG"
      post_build:
        commands:
          # Security gate: wait for the scan-on-push result, fail on CRITICAL/HIGH findings.
          - aws ecr wait image-scan-complete --repository-name "$ECR_REPOSITORY_NAME" --image-id imageTag="$IMAGE_TAG"
          - >-
            FINDINGS=$(aws ecr describe-image-scan-findings --repository-name "$ECR_REPOSITORY_NAME"
            --image-id imageTag="$IMAGE_TAG" --query 'imageScanFindings.findingSeverityCounts' --output json);
            echo "$FINDINGS";
            if echo "$FINDINGS" | grep -Eq '"(CRITICAL|HIGH)"'; then echo "image has CRITICAL/HIGH findings"; exit 1; fi
          - printf '{"ImageURI":"%s"}' "$ECR_REPOSITORY_URL:$IMAGE_TAG" > imageDetail.json
          - printf '[{"name":"%s","imageUri":"%s"}]' "$CONTAINER_NAME" "$ECR_REPOSITORY_URL:$IMAGE_TAG" > imagedefinitions.json
          - aws ecs describe-task-definition --task-definition "$TASK_FAMILY" --query taskDefinition --output json > current.json
          - >-
            jq --arg c "$CONTAINER_NAME" 'del(.taskDefinitionArn, .revision, .status, .requiresAttributes, .compatibilities, .registeredAt, .registeredBy)
            | .containerDefinitions |= map(if .name == $c then .image = "<IMAGE1_NAME>" else . end)' current.json > taskdef.json
          - >-
            printf 'version: 0.0\nResources:\n  - TargetService:\n      Type: AWS::ECS::Service\n      Properties:\n        TaskDefinition: <TASK_DEFINITION>\n        LoadBalancerInfo:\n          ContainerName: "%s"\n          ContainerPort: %s\n' "$CONTAINER_NAME" "$CONTAINER_PORT" > appspec.yaml
    artifacts:
      files:
        - imageDetail.json
        - imagedefinitions.json
        - taskdef.json
        - appspec.yaml
  EOT
}

resource "aws_codebuild_project" "app" {
  count = local.cicd_count

  name          = "${local.name}-build"
  description   = "Test, build, scan and push the ${local.name} image"
  service_role  = aws_iam_role.codebuild[0].arn
  build_timeout = 30
  # Build artifacts and cache are encrypted with the data key.
  encryption_key = aws_kms_key.main.arn

  # CodePipeline supplies source and artifacts and ignores `location`; it is
  # set anyway because some API implementations (the local emulator) reject
  # an empty one.
  source {
    type      = "CODEPIPELINE"
    location  = "https://github.com/${var.github_owner}/${var.github_repo}.git"
    buildspec = local.buildspec
  }

  artifacts {
    type     = "CODEPIPELINE"
    location = aws_s3_bucket.artifacts[0].bucket
  }

  environment {
    compute_type    = var.codebuild_compute_type
    image           = "aws/codebuild/standard:7.0"
    type            = "LINUX_CONTAINER"
    privileged_mode = true # docker build

    environment_variable {
      name  = "ECR_REGISTRY"
      value = split("/", aws_ecr_repository.app.repository_url)[0]
    }
    environment_variable {
      name  = "ECR_REPOSITORY_URL"
      value = aws_ecr_repository.app.repository_url
    }
    environment_variable {
      name  = "ECR_REPOSITORY_NAME"
      value = aws_ecr_repository.app.name
    }
    environment_variable {
      name  = "TASK_FAMILY"
      value = aws_ecs_task_definition.app.family
    }
    environment_variable {
      name  = "CONTAINER_NAME"
      value = local.container_name
    }
    environment_variable {
      name  = "CONTAINER_PORT"
      value = tostring(var.app_port)
    }
    environment_variable {
      name  = "GITHUB_TOKEN"
      type  = "PARAMETER_STORE"
      value = aws_ssm_parameter.github_token[0].name
    }
  }

  logs_config {
    cloudwatch_logs {
      group_name = aws_cloudwatch_log_group.codebuild[0].name
    }
  }
}

# ---------------------------------------------------------------------------
# CodeDeploy blue/green
# ---------------------------------------------------------------------------

# The "green" half of the target-group pair CodeDeploy alternates with
# aws_lb_target_group.app.
resource "aws_lb_target_group" "app_green" {
  count = local.cicd_count

  name                 = "${local.name}-green"
  port                 = var.app_port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = aws_vpc.main.id
  deregistration_delay = 30

  health_check {
    enabled             = true
    path                = var.health_check_path
    matcher             = "200-399"
    interval            = 30
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  stickiness {
    type            = "lb_cookie"
    cookie_duration = var.websocket_stickiness_duration
    enabled         = true
  }

  tags = { Name = "${local.name}-green" }
}

data "aws_iam_policy_document" "codedeploy_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["codedeploy.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "codedeploy" {
  count = local.cicd_count

  name               = "${local.name}-codedeploy"
  assume_role_policy = data.aws_iam_policy_document.codedeploy_assume.json
}

resource "aws_iam_role_policy_attachment" "codedeploy" {
  count = local.cicd_count

  role       = aws_iam_role.codedeploy[0].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AWSCodeDeployRoleForECS"
}

resource "aws_codedeploy_app" "app" {
  count = local.cicd_count

  name             = local.name
  compute_platform = "ECS"
}

resource "aws_codedeploy_deployment_group" "app" {
  count = local.cicd_count

  app_name               = aws_codedeploy_app.app[0].name
  deployment_group_name  = "${local.name}-blue-green"
  service_role_arn       = aws_iam_role.codedeploy[0].arn
  deployment_config_name = var.codedeploy_config_name

  deployment_style {
    deployment_type   = "BLUE_GREEN"
    deployment_option = "WITH_TRAFFIC_CONTROL"
  }

  auto_rollback_configuration {
    enabled = true
    events  = ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"]
  }

  alarm_configuration {
    enabled = true
    # The load balancer-wide 5XX alarm and the unhealthy-hosts alarms of both
    # colours: whichever group is live after the last swap is watched.
    alarms = [
      aws_cloudwatch_metric_alarm.alb_5xx_errors.alarm_name,
      aws_cloudwatch_metric_alarm.alb_unhealthy_hosts["app"].alarm_name,
      aws_cloudwatch_metric_alarm.alb_unhealthy_hosts["app_green"].alarm_name,
    ]
  }

  blue_green_deployment_config {
    deployment_ready_option {
      action_on_timeout = "CONTINUE_DEPLOYMENT"
    }

    terminate_blue_instances_on_deployment_success {
      action                           = "TERMINATE"
      termination_wait_time_in_minutes = 5
    }
  }

  ecs_service {
    cluster_name = aws_ecs_cluster.main.name
    service_name = aws_ecs_service.app_codedeploy[0].name
  }

  load_balancer_info {
    target_group_pair_info {
      prod_traffic_route {
        listener_arns = [local.production_listener_arn]
      }

      target_group {
        name = aws_lb_target_group.app.name
      }

      target_group {
        name = aws_lb_target_group.app_green[0].name
      }
    }
  }

  depends_on = [aws_iam_role_policy_attachment.codedeploy]
}

# ---------------------------------------------------------------------------
# CodePipeline
# ---------------------------------------------------------------------------

data "aws_iam_policy_document" "codepipeline_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["codepipeline.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "codepipeline" {
  count = local.cicd_count

  name               = "${local.name}-codepipeline"
  assume_role_policy = data.aws_iam_policy_document.codepipeline_assume.json
}

data "aws_iam_policy_document" "codepipeline" {
  count = local.cicd_count

  statement {
    sid = "Artifacts"
    actions = [
      "s3:GetObject",
      "s3:GetObjectVersion",
      "s3:GetBucketVersioning",
      "s3:PutObject",
    ]
    resources = [aws_s3_bucket.artifacts[0].arn, "${aws_s3_bucket.artifacts[0].arn}/*"]
  }

  statement {
    sid       = "ArtifactKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.main.arn]
  }

  statement {
    sid       = "GithubConnection"
    actions   = ["codestar-connections:UseConnection"]
    resources = [aws_codestarconnections_connection.github[0].arn]
  }

  statement {
    sid       = "Build"
    actions   = ["codebuild:BatchGetBuilds", "codebuild:StartBuild"]
    resources = [aws_codebuild_project.app[0].arn]
  }

  statement {
    sid = "Deploy"
    actions = [
      "codedeploy:CreateDeployment",
      "codedeploy:GetApplication",
      "codedeploy:GetApplicationRevision",
      "codedeploy:GetDeployment",
      "codedeploy:GetDeploymentConfig",
      "codedeploy:RegisterApplicationRevision",
    ]
    resources = [
      aws_codedeploy_app.app[0].arn,
      aws_codedeploy_deployment_group.app[0].arn,
      "arn:${local.partition}:codedeploy:${local.region}:${local.account_id}:deploymentconfig:*",
    ]
  }

  # The WebSocket service's rolling deploy (ECS action).
  statement {
    sid       = "UpdateWebSocketService"
    actions   = ["ecs:DescribeServices", "ecs:UpdateService"]
    resources = [aws_ecs_service.websocket.id]
  }

  statement {
    sid       = "RegisterTaskDefinition"
    actions   = ["ecs:RegisterTaskDefinition", "ecs:DescribeTaskDefinition"]
    resources = ["*"]
  }

  statement {
    sid       = "PassTaskRoles"
    actions   = ["iam:PassRole"]
    resources = [aws_iam_role.ecs_execution.arn, aws_iam_role.ecs_task.arn]
    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "codepipeline" {
  count = local.cicd_count

  name   = "pipeline"
  role   = aws_iam_role.codepipeline[0].id
  policy = data.aws_iam_policy_document.codepipeline[0].json
}

resource "aws_codepipeline" "app" {
  count = local.cicd_count

  name          = local.name
  role_arn      = aws_iam_role.codepipeline[0].arn
  pipeline_type = "V2"

  artifact_store {
    location = aws_s3_bucket.artifacts[0].bucket
    type     = "S3"

    encryption_key {
      id   = aws_kms_key.main.arn
      type = "KMS"
    }
  }

  stage {
    name = "Source"

    action {
      name             = "GitHub"
      category         = "Source"
      owner            = "AWS"
      provider         = "CodeStarSourceConnection"
      version          = "1"
      output_artifacts = ["source"]

      configuration = {
        ConnectionArn    = aws_codestarconnections_connection.github[0].arn
        FullRepositoryId = "${var.github_owner}/${var.github_repo}"
        BranchName       = var.github_branch
      }
    }
  }

  stage {
    name = "Build"

    action {
      name             = "Build"
      category         = "Build"
      owner            = "AWS"
      provider         = "CodeBuild"
      version          = "1"
      input_artifacts  = ["source"]
      output_artifacts = ["build"]

      configuration = {
        ProjectName = aws_codebuild_project.app[0].name
      }
    }
  }

  stage {
    name = "Deploy"

    action {
      name            = "BlueGreen"
      category        = "Deploy"
      owner           = "AWS"
      provider        = "CodeDeployToECS"
      version         = "1"
      input_artifacts = ["build"]

      configuration = {
        ApplicationName                = aws_codedeploy_app.app[0].name
        DeploymentGroupName            = aws_codedeploy_deployment_group.app[0].deployment_group_name
        TaskDefinitionTemplateArtifact = "build"
        TaskDefinitionTemplatePath     = "taskdef.json"
        AppSpecTemplateArtifact        = "build"
        AppSpecTemplatePath            = "appspec.yaml"
        Image1ArtifactName             = "build"
        Image1ContainerName            = "IMAGE1_NAME"
      }
    }

    action {
      name            = "WebSocketRolling"
      category        = "Deploy"
      owner           = "AWS"
      provider        = "ECS"
      version         = "1"
      input_artifacts = ["build"]

      configuration = {
        ClusterName = aws_ecs_cluster.main.name
        ServiceName = aws_ecs_service.websocket.name
        FileName    = "imagedefinitions.json"
      }
    }
  }
}
