name = "tfgate-it-production"
