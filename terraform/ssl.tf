# ACM certificate and the ALB listeners.
#
# With domain_name set: DNS-validated certificate, HTTPS listener (TLS 1.2+
# policy) and an HTTP listener that only redirects to HTTPS (301).
# Without domain_name (dev only): a single HTTP listener that forwards.
#
# Certificate validation waits until the DNS records exist. With
# route53_zone_id they are created here; with another DNS provider (GoDaddy,
# ...) create the records printed by `aws acm describe-certificate` (or the
# certificate_validation_records output) while the apply waits.

locals {
  certificate_sans = distinct(concat(
    var.subject_alternative_names,
    var.enable_cloudfront && local.https_enabled ? ["cdn.${var.domain_name}"] : [],
  ))
}

resource "aws_acm_certificate" "main" {
  count = local.https_enabled ? 1 : 0

  domain_name               = var.domain_name
  subject_alternative_names = local.certificate_sans
  validation_method         = "DNS"

  options {
    certificate_transparency_logging_preference = "ENABLED"
  }

  tags = { Name = var.domain_name }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "cert_validation" {
  for_each = local.https_enabled && var.route53_zone_id != "" ? {
    for dvo in aws_acm_certificate.main[0].domain_validation_options : dvo.domain_name => {
      name   = dvo.resource_record_name
      type   = dvo.resource_record_type
      record = dvo.resource_record_value
    }
  } : {}

  zone_id         = var.route53_zone_id
  name            = each.value.name
  type            = each.value.type
  records         = [each.value.record]
  ttl             = 300
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "main" {
  count = local.https_enabled ? 1 : 0

  certificate_arn         = aws_acm_certificate.main[0].arn
  validation_record_fqdns = var.route53_zone_id != "" ? [for r in aws_route53_record.cert_validation : r.fqdn] : null

  timeouts {
    create = "2h"
  }
}

resource "aws_lb_listener" "https" {
  count = local.https_enabled ? 1 : 0

  load_balancer_arn = aws_lb.main.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = aws_acm_certificate_validation.main[0].certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }

  lifecycle {
    # Under blue/green CodeDeploy swaps the live target group.
    ignore_changes = [default_action[0].target_group_arn]
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.main.arn
  port              = 80
  protocol          = "HTTP"

  dynamic "default_action" {
    for_each = local.https_enabled ? [1] : []
    content {
      type = "redirect"
      redirect {
        port        = "443"
        protocol    = "HTTPS"
        status_code = "HTTP_301"
      }
    }
  }

  # Dev only: no certificate, plain HTTP.
  dynamic "default_action" {
    for_each = local.https_enabled ? [] : [1]
    content {
      type             = "forward"
      target_group_arn = aws_lb_target_group.app.arn
    }
  }
}

locals {
  # The listener that carries production traffic (CodeDeploy reroutes it).
  production_listener_arn = local.https_enabled ? aws_lb_listener.https[0].arn : aws_lb_listener.http.arn
}
