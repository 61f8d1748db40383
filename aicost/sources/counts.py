"""How a source marks a resource whose number of instances is not known.

Static mode cannot always evaluate ``count`` or ``for_each`` (a variable without a value, a
data source). Such a resource is one :class:`~aicost.model.ResourceChange` whose
``after_unknown`` holds :data:`COUNT_UNKNOWN_KEY` (a meta-argument, so it never clashes
with an attribute) and the reason under :data:`COUNT_REASON_KEY`; the mappers make it one
unpriced workload with the count unknown, never zero.

A module call whose files cannot be read (a registry module ``terraform init`` has not
downloaded, a local path that does not exist) is one change of the pseudo resource type and
provider :data:`UNREAD_MODULE_TYPE` per instance: what it deploys is unknown, never nothing.
"""

from __future__ import annotations

COUNT_UNKNOWN_KEY = "count"
COUNT_REASON_KEY = "count_unknown_reason"
UNREAD_MODULE_TYPE = "module"

__all__ = ["COUNT_REASON_KEY", "COUNT_UNKNOWN_KEY", "UNREAD_MODULE_TYPE"]
