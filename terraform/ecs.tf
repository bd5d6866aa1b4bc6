# ECR repository, Fargate task definition, IAM roles, the ECS service and its
# auto-scaling.

# ---------------------------------------------------------------------------
# ECR
# ---------------------------------------------------------------------------

resource "aws_ecr_repository" "app" {
  name                 = local.name
  image_tag_mutability = "IMMUTABLE"
  force_delete         = var.force_destroy_buckets

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = aws_kms_key.main.arn
  }
}

resource "aws_ecr_lifecycle_policy" "app" {
  repository = aws_ecr_repository.app.name

  policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Expire untagged images after 7 days"
        selection = {
          tagStatus   = "untagged"
          countType   = "sinceImagePushed"
          countUnit   = "days"
          countNumber = 7
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 2
        description  = "Keep the last ${var.ecr_image_retention_count} images"
        selection = {
          tagStatus   = "any"
          countType   = "imageCountMoreThan"
          countNumber = var.ecr_image_retention_count
        }
        action = { type = "expire" }
      },
    ]
  })
}

# ---------------------------------------------------------------------------
# IAM: the execution role pulls the image, writes logs and resolves the
# `secrets`; the task role is what the application itself may do.
# ---------------------------------------------------------------------------

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "ecs_execution" {
  name               = "${local.name}-ecs-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy_attachment" "ecs_execution" {
  role       = aws_iam_role.ecs_execution.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_iam_policy_document" "ecs_execution_secrets" {
  statement {
    sid       = "ReadAppParameters"
    actions   = ["ssm:GetParameters"]
    resources = ["arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter${local.ssm_prefix}/*"]
  }

  statement {
    sid       = "DecryptSecrets"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.secrets.arn]
  }
}

resource "aws_iam_role_policy" "ecs_execution_secrets" {
  name   = "read-secrets"
  role   = aws_iam_role.ecs_execution.id
  policy = data.aws_iam_policy_document.ecs_execution_secrets.json
}

resource "aws_iam_role" "ecs_task" {
  name               = "${local.name}-ecs-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

data "aws_iam_policy_document" "ecs_task" {
  statement {
    sid       = "AppBucketObjects"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${aws_s3_bucket.app.arn}/*"]
  }

  statement {
    sid       = "AppBucketList"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.app.arn]
  }

  statement {
    sid       = "AppBucketKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.main.arn]
  }

  # The RDS-managed master password rotates (every 7 days by default), so the
  # application reads it from Secrets Manager at connect time instead of
  # receiving a copy that goes stale at start-up.
  statement {
    sid       = "ReadDatabaseSecret"
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    resources = [local.db_secret_arn]
  }

  statement {
    sid       = "DecryptDatabaseSecret"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.secrets.arn]
  }

  statement {
    sid = "CognitoUserManagement"
    actions = [
      "cognito-idp:AdminGetUser",
      "cognito-idp:AdminUpdateUserAttributes",
      "cognito-idp:ListUsers",
    ]
    resources = [aws_cognito_user_pool.main.arn]
  }

  dynamic "statement" {
    for_each = var.enable_xray ? [1] : []
    content {
      sid = "XRayTraces"
      actions = [
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
        "xray:GetSamplingStatisticSummaries",
      ]
      resources = ["*"]
    }
  }

  dynamic "statement" {
    for_each = var.enable_execute_command ? [1] : []
    content {
      sid = "EcsExec"
      actions = [
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
      ]
      resources = ["*"]
    }
  }
}

resource "aws_iam_role_policy" "ecs_task" {
  name   = "app"
  role   = aws_iam_role.ecs_task.id
  policy = data.aws_iam_policy_document.ecs_task.json
}

# ---------------------------------------------------------------------------
# Task definition. Only non-secret settings are plain environment variables;
# every credential comes from SSM / Secrets Manager through `secrets`.
# ---------------------------------------------------------------------------

locals {
  db_secret_arn = aws_db_instance.main.master_user_secret[0].secret_arn

  # ARNs and names are built from known values (not read from the resources)
  # so the whole container definition is known at plan time and the policy
  # gate can check it before anything exists.
  ssm_arn_prefix = "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter${local.ssm_prefix}"
  ecr_image      = "${local.account_id}.dkr.ecr.${local.region}.${local.dns_suffix}/${local.name}:${var.container_image_tag}"

  app_environment = [
    { name = "NODE_ENV", value = local.node_env },
    { name = "PORT", value = tostring(var.app_port) },
    { name = "AWS_REGION", value = local.region },
    { name = "APP_URL", value = local.app_url },
    { name = "S3_BUCKET_NAME", value = aws_s3_bucket.app.bucket },
    { name = "COGNITO_DOMAIN", value = "${aws_cognito_user_pool_domain.main.domain}.auth.${local.region}.amazoncognito.com" },
    { name = "DATABASE_SSL", value = "true" },
  ]

  # Every credential comes from SSM SecureString. DATABASE_URL carries no
  # password; DATABASE_SECRET_ARN points at the RDS-managed secret holding it.
  app_secret_parameters = {
    DATABASE_URL             = "database_url"
    DATABASE_SECRET_ARN      = "database_secret_arn"
    COGNITO_USER_POOL_ID     = "cognito_user_pool_id"
    COGNITO_CLIENT_ID        = "cognito_client_id"
    COGNITO_CLIENT_SECRET    = "cognito_client_secret"
    OPENAI_API_KEY           = "openai_api_key"
    SALESFORCE_CLIENT_ID     = "salesforce_client_id"
    SALESFORCE_CLIENT_SECRET = "salesforce_client_secret"
    LIVEKIT_API_KEY          = "livekit_api_key"
    LIVEKIT_API_SECRET       = "livekit_api_secret"
    LIVEKIT_URL              = "livekit_url"
    SESSION_SECRET           = "session_secret"
  }

  app_secrets = [
    for env_name, parameter in local.app_secret_parameters : {
      name      = env_name
      valueFrom = "${local.ssm_arn_prefix}/${parameter}"
    }
  ]

  app_container = {
    name      = local.container_name
    image     = local.ecr_image
    essential = true

    portMappings = [
      { containerPort = var.app_port, hostPort = var.app_port, protocol = "tcp" },
    ]

    environment = concat(
      local.app_environment,
      var.enable_xray ? [{ name = "AWS_XRAY_DAEMON_ADDRESS", value = "127.0.0.1:2000" }] : [],
    )
    secrets = local.app_secrets

    readonlyRootFilesystem = false
    linuxParameters        = { initProcessEnabled = true }

    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.app.name
        awslogs-region        = local.region
        awslogs-stream-prefix = "app"
      }
    }
  }

  xray_container = {
    name      = "xray-daemon"
    image     = var.xray_daemon_image
    essential = false
    cpu       = 32
    memory    = 128

    portMappings = [
      { containerPort = 2000, hostPort = 2000, protocol = "udp" },
    ]

    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.app.name
        awslogs-region        = local.region
        awslogs-stream-prefix = "xray"
      }
    }
  }

  container_definitions = concat([local.app_container], var.enable_xray ? [local.xray_container] : [])
}

resource "aws_ecs_task_definition" "app" {
  family                   = local.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.ecs_task_cpu
  memory                   = var.ecs_task_memory
  execution_role_arn       = aws_iam_role.ecs_execution.arn
  task_role_arn            = aws_iam_role.ecs_task.arn

  container_definitions = jsonencode(local.container_definitions)

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  # The container definition names these by ARN (see locals above).
  depends_on = [
    aws_ecr_repository.app,
    aws_ssm_parameter.database_url,
    aws_ssm_parameter.database_secret_arn,
    aws_ssm_parameter.cognito_user_pool_id,
    aws_ssm_parameter.cognito_client_id,
    aws_ssm_parameter.cognito_client_secret,
    aws_ssm_parameter.external,
  ]
}

# ---------------------------------------------------------------------------
# ECS services. The HTTP application has two mutually exclusive shapes:
#   aws_ecs_service.app            rolling deployments (ECS controller) with the
#                                  circuit breaker; Terraform owns the task
#                                  definition; registered with the app group.
#   aws_ecs_service.app_codedeploy blue/green (CODE_DEPLOY controller) when
#                                  enable_cicd: CodeDeploy owns the running task
#                                  definition and target group, so Terraform
#                                  ignores them after creation.
# WebSockets always have their own service, aws_ecs_service.websocket (rolling,
# circuit breaker), behind the dedicated WebSocket group: CodeDeploy supports a
# single target-group pair per service, and open sockets are better drained by
# a rolling deployment than cut by a blue/green swap.
# ---------------------------------------------------------------------------

locals {
  ecs_service_name           = "${local.name}-service"
  ecs_websocket_service_name = "${local.name}-ws"
}

resource "aws_ecs_service" "app" {
  count = var.enable_cicd ? 0 : 1

  name             = local.ecs_service_name
  cluster          = aws_ecs_cluster.main.id
  task_definition  = aws_ecs_task_definition.app.arn
  desired_count    = var.ecs_desired_count
  launch_type      = "FARGATE"
  platform_version = "LATEST"

  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = 60
  enable_execute_command             = var.enable_execute_command
  enable_ecs_managed_tags            = true
  propagate_tags                     = "SERVICE"

  deployment_controller {
    type = "ECS"
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = aws_subnet.private[*].id
    security_groups  = [aws_security_group.app.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.app.arn
    container_name   = local.container_name
    container_port   = var.app_port
  }

  lifecycle {
    # Auto-scaling owns the task count after creation.
    ignore_changes = [desired_count]
  }

  depends_on = [aws_lb_listener.http, aws_lb_listener.https, aws_iam_role_policy.ecs_execution_secrets]
}

resource "aws_ecs_service" "app_codedeploy" {
  count = var.enable_cicd ? 1 : 0

  name             = local.ecs_service_name
  cluster          = aws_ecs_cluster.main.id
  task_definition  = aws_ecs_task_definition.app.arn
  desired_count    = var.ecs_desired_count
  launch_type      = "FARGATE"
  platform_version = "LATEST"

  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = 60
  enable_execute_command             = var.enable_execute_command
  enable_ecs_managed_tags            = true
  propagate_tags                     = "SERVICE"

  # Rollback on failure is CodeDeploy's auto_rollback_configuration (cicd.tf).
  deployment_controller {
    type = "CODE_DEPLOY"
  }

  network_configuration {
    subnets          = aws_subnet.private[*].id
    security_groups  = [aws_security_group.app.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.app.arn
    container_name   = local.container_name
    container_port   = var.app_port
  }

  lifecycle {
    ignore_changes = [desired_count, task_definition, load_balancer]
  }

  depends_on = [aws_lb_listener.http, aws_lb_listener.https, aws_iam_role_policy.ecs_execution_secrets]
}

resource "aws_ecs_service" "websocket" {
  name             = local.ecs_websocket_service_name
  cluster          = aws_ecs_cluster.main.id
  task_definition  = aws_ecs_task_definition.app.arn
  desired_count    = var.ecs_desired_count
  launch_type      = "FARGATE"
  platform_version = "LATEST"

  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = 60
  enable_execute_command             = var.enable_execute_command
  enable_ecs_managed_tags            = true
  propagate_tags                     = "SERVICE"

  deployment_controller {
    type = "ECS"
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = aws_subnet.private[*].id
    security_groups  = [aws_security_group.app.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.websocket.arn
    container_name   = local.container_name
    container_port   = var.app_port
  }

  lifecycle {
    # Auto-scaling owns the task count after creation.
    ignore_changes = [desired_count]
  }

  depends_on = [
    aws_lb_listener_rule.websocket_https,
    aws_lb_listener_rule.websocket_http,
    aws_iam_role_policy.ecs_execution_secrets,
  ]
}

# ---------------------------------------------------------------------------
# Auto-scaling: ecs_min_capacity..ecs_max_capacity tasks each (the document's
# 1..10; production keeps one task per AZ). The app service on CPU and memory;
# the WebSocket service on open connections per task and CPU.
# ---------------------------------------------------------------------------

resource "aws_appautoscaling_target" "ecs" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.main.name}/${local.ecs_service_name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.ecs_min_capacity
  max_capacity       = var.ecs_max_capacity

  depends_on = [aws_ecs_service.app, aws_ecs_service.app_codedeploy]
}

resource "aws_appautoscaling_policy" "cpu" {
  name               = "${local.name}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.ecs.service_namespace
  resource_id        = aws_appautoscaling_target.ecs.resource_id
  scalable_dimension = aws_appautoscaling_target.ecs.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.autoscaling_cpu_target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_appautoscaling_policy" "memory" {
  name               = "${local.name}-memory"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.ecs.service_namespace
  resource_id        = aws_appautoscaling_target.ecs.resource_id
  scalable_dimension = aws_appautoscaling_target.ecs.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.autoscaling_memory_target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageMemoryUtilization"
    }
  }
}

resource "aws_appautoscaling_target" "websocket" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.main.name}/${aws_ecs_service.websocket.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.ecs_min_capacity
  max_capacity       = var.ecs_max_capacity
}

# Scaling on active connections per task. A WebSocket is one HTTP request
# that stays open for hours, so request counts (ALBRequestCountPerTarget) see
# a connection once, when it opens, and the ALB's ActiveConnectionCount has no
# target-group dimension (it counts every client of the load balancer). What
# loads a WebSocket task is the number of sockets it holds, and only the task
# knows that: each task logs its count once a minute (the log contract in
# monitoring.tf), a metric filter turns the lines into WebSocketActiveConnections,
# and its Average over a minute is the mean number of open sockets per task,
# because every task contributes one data point per period.
resource "aws_appautoscaling_policy" "websocket_connections" {
  name               = "${local.name}-ws-connections"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.websocket.service_namespace
  resource_id        = aws_appautoscaling_target.websocket.resource_id
  scalable_dimension = aws_appautoscaling_target.websocket.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.autoscaling_websocket_connections_target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    customized_metric_specification {
      namespace   = aws_cloudwatch_log_metric_filter.websocket_connections.metric_transformation[0].namespace
      metric_name = aws_cloudwatch_log_metric_filter.websocket_connections.metric_transformation[0].name
      statistic   = "Average"
    }
  }
}

resource "aws_appautoscaling_policy" "websocket_cpu" {
  name               = "${local.name}-ws-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.websocket.service_namespace
  resource_id        = aws_appautoscaling_target.websocket.resource_id
  scalable_dimension = aws_appautoscaling_target.websocket.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.autoscaling_cpu_target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}
