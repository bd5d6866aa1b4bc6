# Monitoring: KMS-encrypted log groups with retention, an encrypted SNS alarm
# topic (e-mail subscription when alert_email is set), a dashboard, alarms,
# metric filters, Logs Insights queries and the optional X-Ray sampling rule.

locals {
  metric_namespace = "${var.project_name}/${var.environment}"

  alarm_actions = [aws_sns_topic.alerts.arn]

  alb_dimension = aws_lb.main.arn_suffix
  app_tg_suffix = aws_lb_target_group.app.arn_suffix

  # Every target group the listeners may forward to. Under blue/green the live
  # colour alternates between app and app_green with each deployment, so both
  # are watched (the idle one has no targets and reports no data, which is not
  # breaching).
  watched_target_groups = merge(
    {
      app       = aws_lb_target_group.app.arn_suffix
      websocket = aws_lb_target_group.websocket.arn_suffix
    },
    var.enable_cicd ? { app_green = aws_lb_target_group.app_green[0].arn_suffix } : {},
  )
}

# ---------------------------------------------------------------------------
# Log groups
# ---------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "app" {
  name              = "/ecs/${local.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.monitoring.arn
}

# WAF requires the aws-waf-logs- prefix.
resource "aws_cloudwatch_log_group" "waf" {
  name              = "aws-waf-logs-${local.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.monitoring.arn
}

resource "aws_cloudwatch_log_group" "flow_logs" {
  count = var.enable_flow_logs ? 1 : 0

  name              = "/vpc/${local.name}/flow-logs"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.monitoring.arn
}

# ---------------------------------------------------------------------------
# SNS alerting
# ---------------------------------------------------------------------------

resource "aws_sns_topic" "alerts" {
  name              = "${local.name}-alerts"
  kms_master_key_id = aws_kms_key.monitoring.arn
}

data "aws_iam_policy_document" "alerts" {
  statement {
    sid       = "AllowCloudWatchAlarms"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts.arn]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }

  statement {
    sid = "AccountOwner"
    actions = [
      "sns:GetTopicAttributes",
      "sns:SetTopicAttributes",
      "sns:Subscribe",
      "sns:ListSubscriptionsByTopic",
      "sns:Publish",
    ]
    resources = [aws_sns_topic.alerts.arn]
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts.arn]
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

resource "aws_sns_topic_policy" "alerts" {
  arn    = aws_sns_topic.alerts.arn
  policy = data.aws_iam_policy_document.alerts.json
}

resource "aws_sns_topic_subscription" "email" {
  count = var.alert_email != "" ? 1 : 0

  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = var.alert_email
}

# ---------------------------------------------------------------------------
# Alarms
# ---------------------------------------------------------------------------

# 5XX responses (load balancer + targets) > 10 in 5 minutes.
resource "aws_cloudwatch_metric_alarm" "alb_5xx_errors" {
  alarm_name          = "${local.name}-alb-5xx-errors"
  alarm_description   = "More than ${var.alarm_5xx_threshold} 5XX responses in 5 minutes"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  threshold           = var.alarm_5xx_threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  metric_query {
    id          = "total"
    expression  = "FILL(elb, 0) + FILL(target, 0)"
    label       = "5XX responses"
    return_data = true
  }

  metric_query {
    id = "elb"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_ELB_5XX_Count"
      period      = 300
      stat        = "Sum"
      dimensions  = { LoadBalancer = local.alb_dimension }
    }
  }

  metric_query {
    id = "target"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_Target_5XX_Count"
      period      = 300
      stat        = "Sum"
      dimensions  = { LoadBalancer = local.alb_dimension }
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "alb_response_time" {
  alarm_name          = "${local.name}-alb-response-time"
  alarm_description   = "Average target response time above ${var.alarm_response_time_threshold} s"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "TargetResponseTime"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 2
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarm_response_time_threshold
  treat_missing_data  = "notBreaching"
  dimensions          = { LoadBalancer = local.alb_dimension }
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

# One alarm per target group; CodeDeploy rolls back on the alarms of both
# colours (cicd.tf).
resource "aws_cloudwatch_metric_alarm" "alb_unhealthy_hosts" {
  for_each = local.watched_target_groups

  alarm_name          = "${local.name}-alb-unhealthy-hosts-${replace(each.key, "_", "-")}"
  alarm_description   = "Unhealthy targets in the ${each.key} target group"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "UnHealthyHostCount"
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  dimensions = {
    LoadBalancer = local.alb_dimension
    TargetGroup  = each.value
  }
  alarm_actions = local.alarm_actions
  ok_actions    = local.alarm_actions
}

# 5XX answers of the WebSocket tasks (the load balancer-wide 5XX alarm above
# sums them with the app's; this one says which service fails).
resource "aws_cloudwatch_metric_alarm" "websocket_5xx_errors" {
  alarm_name          = "${local.name}-ws-5xx-errors"
  alarm_description   = "More than ${var.alarm_5xx_threshold} 5XX responses from the WebSocket tasks in 5 minutes"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HTTPCode_Target_5XX_Count"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarm_5xx_threshold
  treat_missing_data  = "notBreaching"
  dimensions = {
    LoadBalancer = local.alb_dimension
    TargetGroup  = aws_lb_target_group.websocket.arn_suffix
  }
  alarm_actions = local.alarm_actions
  ok_actions    = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "ecs_running_tasks_low" {
  alarm_name          = "${local.name}-ecs-running-tasks-low"
  alarm_description   = "Fewer running tasks than the minimum capacity (service unhealthy)"
  namespace           = "ECS/ContainerInsights"
  metric_name         = "RunningTaskCount"
  statistic           = "Minimum"
  period              = 60
  evaluation_periods  = 3
  comparison_operator = "LessThanThreshold"
  threshold           = var.ecs_min_capacity
  treat_missing_data  = "breaching"
  dimensions = {
    ClusterName = aws_ecs_cluster.main.name
    ServiceName = local.ecs_service_name
  }
  alarm_actions = local.alarm_actions
  ok_actions    = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "ecs_websocket_running_tasks_low" {
  alarm_name          = "${local.name}-ecs-ws-running-tasks-low"
  alarm_description   = "Fewer running WebSocket tasks than the minimum capacity (service unhealthy)"
  namespace           = "ECS/ContainerInsights"
  metric_name         = "RunningTaskCount"
  statistic           = "Minimum"
  period              = 60
  evaluation_periods  = 3
  comparison_operator = "LessThanThreshold"
  threshold           = var.ecs_min_capacity
  treat_missing_data  = "breaching"
  dimensions = {
    ClusterName = aws_ecs_cluster.main.name
    ServiceName = aws_ecs_service.websocket.name
  }
  alarm_actions = local.alarm_actions
  ok_actions    = local.alarm_actions
}

# CPU and memory of both services (app and WebSocket).
locals {
  ecs_utilization_alarms = {
    for pair in setproduct(["app", "websocket"], ["cpu", "memory"]) : "${pair[0]}_${pair[1]}" => {
      service = pair[0] == "app" ? local.ecs_service_name : aws_ecs_service.websocket.name
      label   = pair[0] == "app" ? "Service" : "WebSocket service"
      prefix  = pair[0] == "app" ? "ecs" : "ecs-ws"
      metric  = pair[1]
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "ecs_utilization_high" {
  for_each = local.ecs_utilization_alarms

  alarm_name          = "${local.name}-${each.value.prefix}-${each.value.metric}-high"
  alarm_description   = "${each.value.label} ${each.value.metric == "cpu" ? "CPU" : "memory"} above ${var.alarm_cpu_threshold}%"
  namespace           = "AWS/ECS"
  metric_name         = each.value.metric == "cpu" ? "CPUUtilization" : "MemoryUtilization"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 2
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarm_cpu_threshold
  treat_missing_data  = "notBreaching"
  dimensions = {
    ClusterName = aws_ecs_cluster.main.name
    ServiceName = each.value.service
  }
  alarm_actions = local.alarm_actions
  ok_actions    = local.alarm_actions
}

# The app service's alarms predate the WebSocket ones: keep them, do not replace.
moved {
  from = aws_cloudwatch_metric_alarm.ecs_cpu_high
  to   = aws_cloudwatch_metric_alarm.ecs_utilization_high["app_cpu"]
}

moved {
  from = aws_cloudwatch_metric_alarm.ecs_memory_high
  to   = aws_cloudwatch_metric_alarm.ecs_utilization_high["app_memory"]
}

resource "aws_cloudwatch_metric_alarm" "rds_cpu_high" {
  alarm_name          = "${local.name}-rds-cpu-high"
  alarm_description   = "Database CPU above ${var.alarm_cpu_threshold}%"
  namespace           = "AWS/RDS"
  metric_name         = "CPUUtilization"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 2
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarm_cpu_threshold
  treat_missing_data  = "notBreaching"
  dimensions          = { DBInstanceIdentifier = aws_db_instance.main.identifier }
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "rds_connections_high" {
  alarm_name          = "${local.name}-rds-connections-high"
  alarm_description   = "More than ${var.alarm_db_connections_threshold} database connections"
  namespace           = "AWS/RDS"
  metric_name         = "DatabaseConnections"
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 2
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarm_db_connections_threshold
  treat_missing_data  = "notBreaching"
  dimensions          = { DBInstanceIdentifier = aws_db_instance.main.identifier }
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "rds_free_storage_low" {
  alarm_name          = "${local.name}-rds-free-storage-low"
  alarm_description   = "Database free storage below ${var.alarm_db_free_storage_bytes} bytes"
  namespace           = "AWS/RDS"
  metric_name         = "FreeStorageSpace"
  statistic           = "Minimum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "LessThanThreshold"
  threshold           = var.alarm_db_free_storage_bytes
  treat_missing_data  = "notBreaching"
  dimensions          = { DBInstanceIdentifier = aws_db_instance.main.identifier }
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "app_errors" {
  alarm_name          = "${local.name}-app-errors"
  alarm_description   = "More than 10 application errors logged in 5 minutes"
  namespace           = local.metric_namespace
  metric_name         = "ApplicationErrors"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 10
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

# ---------------------------------------------------------------------------
# Metric filters and Logs Insights queries
# ---------------------------------------------------------------------------

resource "aws_cloudwatch_log_metric_filter" "app_errors" {
  name           = "${local.name}-app-errors"
  log_group_name = aws_cloudwatch_log_group.app.name
  pattern        = "?ERROR ?Error ?\"Unhandled\""

  metric_transformation {
    name          = "ApplicationErrors"
    namespace     = local.metric_namespace
    value         = "1"
    default_value = "0"
  }
}

resource "aws_cloudwatch_log_metric_filter" "auth_failures" {
  name           = "${local.name}-auth-failures"
  log_group_name = aws_cloudwatch_log_group.app.name
  pattern        = "?\"authentication failed\" ?\"Unauthorized\" ?\"invalid token\""

  metric_transformation {
    name          = "AuthenticationFailures"
    namespace     = local.metric_namespace
    value         = "1"
    default_value = "0"
  }
}

resource "aws_cloudwatch_log_metric_filter" "websocket_errors" {
  name           = "${local.name}-websocket-errors"
  log_group_name = aws_cloudwatch_log_group.app.name
  pattern        = "?\"WebSocket error\" ?\"ws error\""

  metric_transformation {
    name          = "WebSocketErrors"
    namespace     = local.metric_namespace
    value         = "1"
    default_value = "0"
  }
}

# WebSocket connection gauge, the input of the WebSocket service's scaling
# (ecs.tf). Log contract: every WebSocket task writes, once a minute, one JSON
# line {"event":"ws_connections","active":<open sockets of this task>}.
# No default_value: a 0 for every other log line would drag the Average down.
resource "aws_cloudwatch_log_metric_filter" "websocket_connections" {
  name           = "${local.name}-websocket-connections"
  log_group_name = aws_cloudwatch_log_group.app.name
  pattern        = "{ $.event = \"ws_connections\" }"

  metric_transformation {
    name      = "WebSocketActiveConnections"
    namespace = local.metric_namespace
    value     = "$.active"
    unit      = "Count"
  }
}

resource "aws_cloudwatch_query_definition" "errors" {
  name            = "${local.name}/recent-errors"
  log_group_names = [aws_cloudwatch_log_group.app.name]

  query_string = <<-EOT
    fields @timestamp, @logStream, @message
    | filter @message like /(?i)error|exception|unhandled/
    | sort @timestamp desc
    | limit 100
  EOT
}

resource "aws_cloudwatch_query_definition" "slow_requests" {
  name            = "${local.name}/slow-requests"
  log_group_names = [aws_cloudwatch_log_group.app.name]

  query_string = <<-EOT
    fields @timestamp, @message
    | parse @message /(?<method>GET|POST|PUT|PATCH|DELETE) (?<path>\S+) (?<status>\d{3}) in (?<ms>\d+)ms/
    | filter ms > 2000
    | sort ms desc
    | limit 50
  EOT
}

resource "aws_cloudwatch_query_definition" "websocket" {
  name            = "${local.name}/websocket-activity"
  log_group_names = [aws_cloudwatch_log_group.app.name]

  query_string = <<-EOT
    fields @timestamp, @message
    | filter @message like /(?i)websocket|\/ws\//
    | stats count(*) as events by bin(5m)
  EOT
}

resource "aws_cloudwatch_query_definition" "waf_blocked" {
  name            = "${local.name}/waf-blocked-requests"
  log_group_names = [aws_cloudwatch_log_group.waf.name]

  query_string = <<-EOT
    fields @timestamp, httpRequest.clientIp, terminatingRuleId, httpRequest.uri
    | filter action = "BLOCK"
    | stats count(*) as blocked by terminatingRuleId, httpRequest.clientIp
    | sort blocked desc
  EOT
}

# ---------------------------------------------------------------------------
# Dashboard: requests, latency, errors, ECS CPU/memory, RDS.
# ---------------------------------------------------------------------------

resource "aws_cloudwatch_dashboard" "main" {
  dashboard_name = local.name

  dashboard_body = jsonencode({
    widgets = [
      {
        type = "metric", x = 0, y = 0, width = 12, height = 6
        properties = {
          title  = "Requests"
          region = local.region
          stat   = "Sum"
          period = 60
          metrics = [
            ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", local.alb_dimension],
          ]
        }
      },
      {
        type = "metric", x = 12, y = 0, width = 12, height = 6
        properties = {
          title  = "Response time (s)"
          region = local.region
          period = 60
          metrics = [
            ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", local.alb_dimension, { stat = "Average" }],
            ["...", { stat = "p95" }],
          ]
        }
      },
      {
        type = "metric", x = 0, y = 6, width = 12, height = 6
        properties = {
          title  = "5XX / 4XX responses"
          region = local.region
          stat   = "Sum"
          period = 60
          metrics = [
            ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer", local.alb_dimension],
            ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "LoadBalancer", local.alb_dimension],
            ["AWS/ApplicationELB", "HTTPCode_Target_4XX_Count", "LoadBalancer", local.alb_dimension],
          ]
        }
      },
      {
        type = "metric", x = 12, y = 6, width = 12, height = 6
        properties = {
          title  = "ECS CPU / memory (%)"
          region = local.region
          stat   = "Average"
          period = 60
          metrics = [
            ["AWS/ECS", "CPUUtilization", "ClusterName", aws_ecs_cluster.main.name, "ServiceName", local.ecs_service_name],
            ["AWS/ECS", "MemoryUtilization", "ClusterName", aws_ecs_cluster.main.name, "ServiceName", local.ecs_service_name],
          ]
        }
      },
      {
        type = "metric", x = 0, y = 12, width = 12, height = 6
        properties = {
          title  = "RDS CPU and connections"
          region = local.region
          stat   = "Average"
          period = 300
          metrics = [
            ["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", aws_db_instance.main.identifier],
            ["AWS/RDS", "DatabaseConnections", "DBInstanceIdentifier", aws_db_instance.main.identifier, { yAxis = "right" }],
          ]
        }
      },
      {
        type = "metric", x = 12, y = 12, width = 12, height = 6
        properties = {
          title  = "RDS free storage (bytes)"
          region = local.region
          stat   = "Minimum"
          period = 300
          metrics = [
            ["AWS/RDS", "FreeStorageSpace", "DBInstanceIdentifier", aws_db_instance.main.identifier],
          ]
        }
      },
      {
        type = "metric", x = 0, y = 18, width = 12, height = 6
        properties = {
          title  = "Healthy / unhealthy targets"
          region = local.region
          stat   = "Maximum"
          period = 60
          metrics = [
            for m in setproduct(["HealthyHostCount", "UnHealthyHostCount"], values(local.watched_target_groups)) :
            ["AWS/ApplicationELB", m[0], "TargetGroup", m[1], "LoadBalancer", local.alb_dimension]
          ]
        }
      },
      {
        type = "metric", x = 12, y = 18, width = 12, height = 6
        properties = {
          title  = "Application errors"
          region = local.region
          stat   = "Sum"
          period = 300
          metrics = [
            [local.metric_namespace, "ApplicationErrors"],
            [local.metric_namespace, "AuthenticationFailures"],
            [local.metric_namespace, "WebSocketErrors"],
          ]
        }
      },
      {
        type = "metric", x = 0, y = 24, width = 12, height = 6
        properties = {
          title  = "WebSocket: open connections per task, tasks"
          region = local.region
          period = 60
          metrics = [
            [local.metric_namespace, "WebSocketActiveConnections", { stat = "Average" }],
            ["ECS/ContainerInsights", "RunningTaskCount", "ClusterName", aws_ecs_cluster.main.name, "ServiceName", local.ecs_websocket_service_name, { stat = "Average", yAxis = "right" }],
          ]
        }
      },
    ]
  })
}

# ---------------------------------------------------------------------------
# X-Ray (optional)
# ---------------------------------------------------------------------------

resource "aws_xray_sampling_rule" "app" {
  count = var.enable_xray ? 1 : 0

  rule_name      = substr("${local.name}-app", 0, 32)
  priority       = 1000
  version        = 1
  reservoir_size = 1
  fixed_rate     = 0.05
  url_path       = "*"
  host           = "*"
  http_method    = "*"
  service_type   = "*"
  service_name   = "*"
  resource_arn   = "*"
}
