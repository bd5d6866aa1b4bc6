variable "settings" {
  description = "Database settings."
}

resource "aws_rds_cluster" "this" {
  cluster_identifier = "db"
  engine             = "aurora-postgresql"
}

resource "aws_db_instance" "replica" {
  instance_class = var.settings.size
  multi_az       = var.settings.multi_az
}
