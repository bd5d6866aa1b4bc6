# Production: every guard on.
project     = "shop"
environment = "production"

backup_retention_days = 14
multi_az              = false
versioning            = true
rules                 = ["rate"]

db = {
  multi_az = false
  size     = "db.r6g.large"
}
