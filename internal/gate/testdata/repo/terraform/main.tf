resource "aws_db_instance" "main" {
  identifier = "app"
  engine     = "postgres"
  multi_az   = false
}
