"""The report document: the one JSON shape every format, baseline and merge works from.

* :mod:`aicost.document.build` builds it from a :class:`~aicost.pipeline.CheckResult`;
* :mod:`aicost.document.read` reads it back (``--baseline``, ``aicost merge``,
  ``aicost comment``) into plain values for the pipeline;
* :mod:`aicost.document.merge` merges the documents of several workspaces;
* :mod:`aicost.document.rules` names the rule types a document mentions.

The shape is written in one place (:func:`aicost.document.build.build`); the constants below
are its identity, checked when a document is read.
"""

from __future__ import annotations

#: ``format`` of every report document.
REPORT_FORMAT = "aicost-report"
#: ``version`` of the report document this aicost writes and reads.
REPORT_VERSION = 1
#: Report documents larger than this are refused.
MAX_REPORT_BYTES = 256 * 1024 * 1024
