"""Page benchmark: server time and queries of five busy pages against a one-query floor."""
