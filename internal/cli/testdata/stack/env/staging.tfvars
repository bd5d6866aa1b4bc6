name = "tfgate-it-staging"
