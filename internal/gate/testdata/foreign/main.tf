# A shop written in a style our stack does not use: registry modules (vpc,
# nlb with for_each), locals between resources and modules, for_each
# buckets, policies from aws_iam_policy_document and jsonencode, a count = 0
# flow log. The plan next to it (plan.json) is its hand-made plan: ids and
# ARNs are unknown, as on a first plan.
variable "environment" {
  type    = string
  default = "production"
}

locals {
  name   = "shop-${var.environment}"
  vpc_id = module.vpc.vpc_id
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "~> 5.0"
  name    = local.name
  cidr    = "10.20.0.0/16"
}

module "nlb" {
  source                     = "terraform-aws-modules/alb/aws"
  version                    = "~> 9.0"
  for_each                   = toset(["api"])
  name                       = "${local.name}-${each.key}"
  load_balancer_type         = "network"
  internal                   = true
  enable_deletion_protection = false
  vpc_id                     = local.vpc_id
}

resource "aws_flow_log" "this" {
  vpc_id       = local.vpc_id
  traffic_type = "ALL"
}

resource "aws_vpc" "edge" {
  cidr_block = "10.30.0.0/16"
}

resource "aws_flow_log" "edge" {
  count        = 0
  vpc_id       = aws_vpc.edge.id
  traffic_type = "ALL"
}

resource "aws_s3_bucket" "data" {
  for_each = toset(["assets", "logs"])
  bucket   = "${local.name}-${each.key}"
}

resource "aws_s3_bucket_versioning" "assets" {
  bucket = aws_s3_bucket.data["assets"].id
  versioning_configuration {
    status = "Enabled"
  }
}

data "aws_iam_policy_document" "assets_tls" {
  statement {
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.data["assets"].arn, "${aws_s3_bucket.data["assets"].arn}/*"]
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

resource "aws_s3_bucket_policy" "assets" {
  bucket = aws_s3_bucket.data["assets"].id
  policy = data.aws_iam_policy_document.assets_tls.json
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.data["logs"].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [aws_s3_bucket.data["logs"].arn, "${aws_s3_bucket.data["logs"].arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}

resource "aws_kms_key" "data" {
  description         = "${local.name} data"
  enable_key_rotation = module.vpc.vpc_id != "" # unknown until apply
}

resource "aws_ssm_parameter" "db_password" {
  name  = "/${local.name}/db_password"
  type  = module.vpc.vpc_id != "" ? "SecureString" : "String"
  value = "placeholder"
}

resource "aws_vpc_security_group_ingress_rule" "db" {
  security_group_id = "sg-0123456789abcdef0"
  cidr_ipv4         = module.vpc.vpc_cidr_block
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
}
