# A one-bucket stack for the CLI's integration tests: the whole pipeline
# (init, plan, gate, apply, outputs, smoke, destroy) in seconds.
terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
  backend "s3" {}
}

provider "aws" {}

variable "name" {
  type        = string
  description = "Bucket name."
}

variable "slow" {
  type        = bool
  description = "Add a resource the provider waits on for about a minute on the emulator (mid-apply tests)."
  default     = false
}

resource "aws_s3_bucket" "b" {
  bucket = var.name
}

resource "aws_s3_bucket_lifecycle_configuration" "slow" {
  count  = var.slow ? 1 : 0
  bucket = aws_s3_bucket.b.id

  rule {
    id     = "expire"
    status = "Enabled"
    filter {}
    expiration {
      days = 30
    }
  }
}

# Named like the real stack's output so `up` runs its smoke check on it.
output "load_balancer_dns" {
  value = aws_s3_bucket.b.bucket_regional_domain_name
}
