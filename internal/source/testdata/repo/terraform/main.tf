locals {
  backup_days = var.backup_retention_days
  name        = "${var.project}-${var.environment}"
}

resource "aws_db_instance" "main" {
  identifier              = local.name
  engine                  = "postgres"
  multi_az                = var.multi_az
  backup_retention_period = local.backup_days
  storage_encrypted       = true
  deletion_protection     = var.environment == "production"
}

resource "aws_lb_listener" "http" {
  count             = 2
  load_balancer_arn = "arn"
  port              = 80

  default_action {
    type = "redirect"

    redirect {
      port     = "443"
      protocol = "HTTPS"
    }
  }
}

resource "aws_ecr_repository" "app" {
  for_each = toset(["api", "worker"])
  name     = each.key

  encryption_configuration {
    encryption_type = "KMS"
  }

  tags = {
    Environment   = var.environment
    "Cost.Center" = "platform"
  }
}

resource "aws_wafv2_web_acl" "main" {
  name  = "main"
  scope = "REGIONAL"

  dynamic "rule" {
    for_each = var.rules
    content {
      name     = rule.value
      priority = 1
    }
  }
}

data "aws_caller_identity" "current" {}

module "assets" {
  source      = "./modules/bucket"
  for_each    = toset(["a", "b"])
  bucket_name = "${var.project}-${var.environment}-${each.key}"
  versioning  = var.versioning
}

module "db" {
  source   = "./modules/db"
  settings = var.db
}

module "remote" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.0.0"
}
