"""Policy: YAML rules and budgets written by platform teams, checked against workloads."""
