variable "bucket_name" {
  type        = string
  description = "Bucket name."
}

variable "versioning" {
  type        = bool
  description = "Keep object versions."
}

resource "aws_s3_bucket" "this" {
  bucket = var.bucket_name
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = var.versioning ? "Enabled" : "Suspended"
  }
}
