"""Static mode: raw Terraform (``.tf``/``.tofu``) read without running Terraform.

``aicost check DIR`` or ``aicost check main.tf`` reads the configuration with python-hcl2
and evaluates what can be known without Terraform:

* variable defaults, ``terraform.tfvars``, ``*.auto.tfvars`` and ``.tfvars`` files given on
  the command line (JSON variants too), ``sensitive = true`` variables (masked in reports);
* ``locals``, literal and computed ``count``/``for_each`` on resources and module calls,
  ``dynamic`` blocks, string templates, conditionals, ``for`` expressions and the common
  built-in functions (``merge``, ``lookup``, ``concat``, ``format``...);
* local modules (``source = "./modules/x"``), and registry or git modules that
  ``terraform init`` has downloaded to ``.terraform/modules``;
* each resource's provider configuration (aliases, ``providers = {...}`` on module calls)
  for its region and ``default_tags``;
* references between resources in a module: an attribute set in another resource's
  configuration is known (a launch template's ``name``), anything computed by the provider
  (an ``id``) is unknown, and the reference is kept so mappers can follow it.

Everything else (data sources, provider-computed attributes, functions that read files or
the clock) is *unknown*, exactly as in a plan's ``after_unknown``. The result is one
:class:`ResourceChange` per resource instance (action ``create``: a configuration has no
prior state), with the file and line of its block, so the AWS/GCP/Azure mappers run
unchanged. A ``count``/``for_each`` that cannot be known statically leaves its resources
out with a warning, as Terraform's deferred changes are.

A file python-hcl2 cannot parse is reported (file, line, column) and skipped; the rest of
the configuration is still checked.

Roots: a directory with ``.tf`` files is a root module. A directory without any is
searched for root modules (directories with ``.tf`` files that no other directory calls as
a local module). A ``.tf`` file means its directory; when that directory is a local module
called from elsewhere under the working directory, the roots that call it are checked
instead (so a pre-commit hook on a changed module checks what uses it).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aicost.sources.base import Inventory
from aicost.sources.hclfiles import CONFIG_SUFFIXES, KIND, VARS_SUFFIXES, config_dirs, display


def sniff(path: Path, head: bytes) -> bool:
    """Terraform configuration and variable files, by their names."""
    name = path.name
    return name.endswith(CONFIG_SUFFIXES) or name.endswith(VARS_SUFFIXES)


def sniff_dir(path: Path) -> bool:
    """A directory with Terraform configuration in it or below it."""
    return next(config_dirs(path, limit=1), None) is not None


def read(path: Path) -> Inventory:
    """One input (a directory or a file); several roots are combined into one inventory."""
    inventories = read_group([path])
    if len(inventories) == 1:
        return inventories[0]
    changes = [c for i in inventories for c in i.changes]
    warnings = [w for i in inventories for w in i.warnings]
    return Inventory(path=display(path), kind=KIND, changes=changes, warnings=warnings)


def read_group(paths: Sequence[Path]) -> list[Inventory]:
    """The inputs of one check: one inventory per root module they name."""
    from aicost.sources.hclstatic import read_roots

    return read_roots(paths)


__all__ = ["KIND", "display", "read", "read_group", "sniff", "sniff_dir"]
