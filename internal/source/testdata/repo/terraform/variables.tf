variable "project" {
  type        = string
  description = "Project name."
}

variable "environment" {
  type        = string
  description = "Environment name."
}

variable "multi_az" {
  type        = bool
  description = "Run the database in several availability zones."
  default     = true
}

variable "backup_retention_days" {
  type        = number
  description = "Days of automated backups."
}

variable "versioning" {
  type        = bool
  description = "Keep object versions."
}

variable "rules" {
  type = list(string)
}

variable "db" {
  description = "Database settings."
  type = object({
    multi_az = bool
    size     = string
  })
}
