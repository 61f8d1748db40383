"""Cost projection: monthly cost, prior monthly cost and delta per workload and in total."""

from aicost.cost.projection import Pricer, Summary, summarise

__all__ = ["Pricer", "Summary", "summarise"]
