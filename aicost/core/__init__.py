"""The ground floor: what every stage shares (errors, money, the workload model, data files,
safe YAML, validation with file:line errors, the accelerator catalogue, cluster profiles,
calendar constants). Nothing here imports from the rest of aicost.
"""
