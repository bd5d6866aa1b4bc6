# AWS Backup ("Snapshot Management: automated snapshot lifecycle"): a vault
# encrypted with the stack's data key, a plan with a daily and a weekly rule
# whose retention is set per environment, and a selection of every stateful
# resource: the database and the versioned application bucket. RDS automated
# backups (point-in-time recovery, db_backup_retention_period) stay on; the
# plan adds snapshots that outlive them and that the vault's KMS key protects.
# Restoring either is docs/restore-runbook.md.

resource "aws_backup_vault" "main" {
  count = var.enable_backup_plan ? 1 : 0

  name        = "${local.name}-backup"
  kms_key_arn = aws_kms_key.main.arn
  # Only disposable stacks may drop recovery points with the vault.
  force_destroy = var.force_destroy_buckets

  tags = { Name = "${local.name}-backup" }
}

resource "aws_backup_plan" "main" {
  count = var.enable_backup_plan ? 1 : 0

  name = "${local.name}-backup"

  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.main[0].name
    schedule          = "cron(0 5 * * ? *)" # 05:00 UTC, after the RDS backup window
    start_window      = 60
    completion_window = 240

    lifecycle {
      delete_after = var.backup_daily_retention_days
    }

    recovery_point_tags = { BackupRule = "daily" }
  }

  rule {
    rule_name         = "weekly"
    target_vault_name = aws_backup_vault.main[0].name
    schedule          = "cron(0 6 ? * SUN *)" # Sundays 06:00 UTC
    start_window      = 60
    completion_window = 480

    lifecycle {
      delete_after = var.backup_weekly_retention_days
    }

    recovery_point_tags = { BackupRule = "weekly" }
  }

  tags = { Name = "${local.name}-backup" }
}

data "aws_iam_policy_document" "backup_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["backup.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "backup" {
  count = var.enable_backup_plan ? 1 : 0

  name               = "${local.name}-backup"
  assume_role_policy = data.aws_iam_policy_document.backup_assume.json
}

# AWS's own policies for backing up and restoring RDS and S3 (S3 needs its
# dedicated pair).
resource "aws_iam_role_policy_attachment" "backup" {
  for_each = var.enable_backup_plan ? toset([
    "service-role/AWSBackupServiceRolePolicyForBackup",
    "service-role/AWSBackupServiceRolePolicyForRestores",
    "AWSBackupServiceRolePolicyForS3Backup",
    "AWSBackupServiceRolePolicyForS3Restore",
  ]) : toset([])

  role       = aws_iam_role.backup[0].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/${each.value}"
}

resource "aws_backup_selection" "main" {
  count = var.enable_backup_plan ? 1 : 0

  name         = "${local.name}-stateful"
  plan_id      = aws_backup_plan.main[0].id
  iam_role_arn = aws_iam_role.backup[0].arn

  resources = [
    aws_db_instance.main.arn,
    aws_s3_bucket.app.arn,
  ]

  depends_on = [aws_iam_role_policy_attachment.backup]
}
