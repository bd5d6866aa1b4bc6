project  = "default-project"
multi_az = true
