name = "tfgate-it-dev"
