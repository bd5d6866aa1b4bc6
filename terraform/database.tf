# Database connection management ("Connection Pooling: optimized database
# connections"): a DB parameter group with explicit connection settings and,
# with enable_rds_proxy, an RDS Proxy in the database subnets that pools the
# tasks' connections. Every ECS task opens its own pool; during a scale-out or
# a blue/green deployment twice the tasks run at once, and a db.t3.micro
# allows only ~80 connections. The proxy multiplexes them onto a bounded set
# of database connections and keeps them open across failovers.

locals {
  db_engine_major = split(".", var.db_engine_version)[0]

  # The application connects here: the proxy when on, the instance otherwise.
  db_connect_host = var.enable_rds_proxy ? aws_db_proxy.main[0].endpoint : aws_db_instance.main.address
}

# Explicit parameters instead of the engine default group, so the settings the
# stack relies on are in code and reviewed by the gate.
resource "aws_db_parameter_group" "main" {
  name        = "${local.name}-postgres${local.db_engine_major}"
  family      = "postgres${local.db_engine_major}"
  description = "${local.name} PostgreSQL ${local.db_engine_major} parameters"

  # TLS for every client (PostgreSQL 15+ defaults to it; pinned here so a
  # change of default cannot silently turn it off).
  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  # Sessions left idle inside a transaction hold locks and a pooled
  # connection: end them after 5 minutes.
  parameter {
    name  = "idle_in_transaction_session_timeout"
    value = "300000"
  }

  # Log statements slower than the response-time alarm's 2 s.
  parameter {
    name  = "log_min_duration_statement"
    value = "2000"
  }

  parameter {
    name  = "log_connections"
    value = "1"
  }

  lifecycle {
    create_before_destroy = true
  }
}

# ---------------------------------------------------------------------------
# RDS Proxy. Clients authenticate with the same RDS-managed master secret the
# application already reads (DATABASE_SECRET_ARN): the proxy fetches the
# rotated password itself, so rotation needs no redeploy and the application
# keeps one connection contract with or without the proxy. TLS is required
# between the tasks and the proxy; the proxy reaches the instance with TLS too
# (rds.force_ssl above).
# ---------------------------------------------------------------------------

data "aws_iam_policy_document" "db_proxy_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["rds.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "db_proxy" {
  count = var.enable_rds_proxy ? 1 : 0

  name               = "${local.name}-db-proxy"
  assume_role_policy = data.aws_iam_policy_document.db_proxy_assume.json
}

data "aws_iam_policy_document" "db_proxy" {
  statement {
    sid       = "ReadDatabaseSecret"
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    resources = [local.db_secret_arn]
  }

  statement {
    sid       = "DecryptDatabaseSecret"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.secrets.arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${local.region}.${local.dns_suffix}"]
    }
  }
}

resource "aws_iam_role_policy" "db_proxy" {
  count = var.enable_rds_proxy ? 1 : 0

  name   = "read-db-secret"
  role   = aws_iam_role.db_proxy[0].id
  policy = data.aws_iam_policy_document.db_proxy.json
}

resource "aws_security_group" "db_proxy" {
  count = var.enable_rds_proxy ? 1 : 0

  name        = "${local.name}-db-proxy"
  description = "RDS Proxy: 5432 from the application, 5432 to the database"
  vpc_id      = aws_vpc.main.id

  tags = { Name = "${local.name}-db-proxy" }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "db_proxy_from_app" {
  count = var.enable_rds_proxy ? 1 : 0

  security_group_id            = aws_security_group.db_proxy[0].id
  description                  = "PostgreSQL from the application tasks"
  referenced_security_group_id = aws_security_group.app.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
}

resource "aws_vpc_security_group_egress_rule" "db_proxy_to_db" {
  count = var.enable_rds_proxy ? 1 : 0

  security_group_id            = aws_security_group.db_proxy[0].id
  description                  = "PostgreSQL to the database"
  referenced_security_group_id = aws_security_group.db.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
}

resource "aws_vpc_security_group_ingress_rule" "db_from_proxy" {
  count = var.enable_rds_proxy ? 1 : 0

  security_group_id            = aws_security_group.db.id
  description                  = "PostgreSQL from the RDS Proxy"
  referenced_security_group_id = aws_security_group.db_proxy[0].id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
}

resource "aws_vpc_security_group_egress_rule" "app_to_db_proxy" {
  count = var.enable_rds_proxy ? 1 : 0

  security_group_id            = aws_security_group.app.id
  description                  = "PostgreSQL to the RDS Proxy"
  referenced_security_group_id = aws_security_group.db_proxy[0].id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
}

resource "aws_db_proxy" "main" {
  count = var.enable_rds_proxy ? 1 : 0

  name                   = "${local.name}-db"
  engine_family          = "POSTGRESQL"
  role_arn               = aws_iam_role.db_proxy[0].arn
  vpc_subnet_ids         = aws_subnet.database[*].id
  vpc_security_group_ids = [aws_security_group.db_proxy[0].id]
  require_tls            = true
  idle_client_timeout    = var.db_proxy_idle_client_timeout
  debug_logging          = false

  auth {
    auth_scheme = "SECRETS"
    description = "RDS-managed master secret of ${aws_db_instance.main.identifier}"
    iam_auth    = "DISABLED"
    secret_arn  = local.db_secret_arn
  }

  tags = { Name = "${local.name}-db-proxy" }

  depends_on = [aws_iam_role_policy.db_proxy]
}

resource "aws_db_proxy_default_target_group" "main" {
  count = var.enable_rds_proxy ? 1 : 0

  db_proxy_name = aws_db_proxy.main[0].name

  connection_pool_config {
    # Leave head-room on the instance for migrations and an operator's psql.
    max_connections_percent      = var.db_proxy_max_connections_percent
    max_idle_connections_percent = 50
    connection_borrow_timeout    = 120
  }
}

resource "aws_db_proxy_target" "main" {
  count = var.enable_rds_proxy ? 1 : 0

  db_proxy_name          = aws_db_proxy.main[0].name
  target_group_name      = aws_db_proxy_default_target_group.main[0].name
  db_instance_identifier = aws_db_instance.main.identifier
}

# Proxy alarms: client connections piling up (the tasks' pools, or a leak),
# and the proxy's own connections to the database nearing its cap.
resource "aws_cloudwatch_metric_alarm" "db_proxy_client_connections_high" {
  count = var.enable_rds_proxy ? 1 : 0

  alarm_name          = "${local.name}-db-proxy-client-connections-high"
  alarm_description   = "More than ${var.alarm_db_proxy_client_connections_threshold} client connections to the RDS Proxy"
  namespace           = "AWS/RDS"
  metric_name         = "ClientConnections"
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 2
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarm_db_proxy_client_connections_threshold
  treat_missing_data  = "notBreaching"
  dimensions          = { ProxyName = aws_db_proxy.main[0].name }
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "db_proxy_database_connections_high" {
  count = var.enable_rds_proxy ? 1 : 0

  alarm_name          = "${local.name}-db-proxy-database-connections-high"
  alarm_description   = "The RDS Proxy holds more than ${var.alarm_db_connections_threshold} database connections"
  namespace           = "AWS/RDS"
  metric_name         = "DatabaseConnections"
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 2
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarm_db_connections_threshold
  treat_missing_data  = "notBreaching"
  dimensions          = { ProxyName = aws_db_proxy.main[0].name }
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}
