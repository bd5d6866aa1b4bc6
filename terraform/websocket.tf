# WebSocket routing: /ws/* goes to a dedicated, sticky target group whose
# health check suits long-lived connections. The ALB idle timeout
# (var.websocket_idle_timeout, set on aws_lb.main) keeps idle sockets open.
# ALBs upgrade HTTP/1.1 connections to WebSocket natively; no extra setting.
#
# The group is served by its own ECS service (aws_ecs_service.websocket, rolling
# deployments) because CodeDeploy blue/green manages exactly one target-group
# pair per service: the app service keeps the pair, this group stays fixed.

resource "aws_lb_target_group" "websocket" {
  name        = "${local.name}-ws"
  port        = var.app_port
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = aws_vpc.main.id

  # Give open sockets time to close on scale-in and deployments.
  deregistration_delay = 120

  stickiness {
    type            = "lb_cookie"
    cookie_duration = var.websocket_stickiness_duration
    enabled         = true
  }

  # The upgrade endpoint itself answers 101/400 to a plain GET, so the group
  # checks the ordinary HTTP health endpoint of the same container, a little
  # more patiently than the app group.
  health_check {
    enabled             = true
    path                = var.health_check_path
    matcher             = "200-399"
    interval            = 30
    timeout             = 10
    healthy_threshold   = 2
    unhealthy_threshold = 5
  }

  tags = { Name = "${local.name}-ws" }
}

locals {
  websocket_paths = ["/ws", "/ws/*"]
}

resource "aws_lb_listener_rule" "websocket_https" {
  count = local.https_enabled ? 1 : 0

  listener_arn = aws_lb_listener.https[0].arn
  priority     = 10

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.websocket.arn
  }

  condition {
    path_pattern {
      values = local.websocket_paths
    }
  }
}

# Dev only (no domain, no certificate): WebSockets over plain HTTP.
resource "aws_lb_listener_rule" "websocket_http" {
  count = local.https_enabled ? 0 : 1

  listener_arn = aws_lb_listener.http.arn
  priority     = 10

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.websocket.arn
  }

  condition {
    path_pattern {
      values = local.websocket_paths
    }
  }
}
