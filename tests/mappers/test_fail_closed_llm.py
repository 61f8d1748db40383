"""Fail closed for LLM deployments: a model, SKU or count not known is unpriced, never dropped.

An Azure OpenAI deployment whose model comes from a variable (the public
``Azure/terraform-azurerm-openai`` module: ``for_each = var.deployment``, ``model.name =
each.value.model_name``) can be a ``ProvisionedManaged`` one billed per PTU-hour; it must be
listed as an AI workload that cannot be priced, not vanish from the report.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import FIXTURES, Runner, plan

OPENAI_MODULE = FIXTURES / "corpus" / "hcl" / "Azure__terraform-azurerm-openai__main.tf"

_ACCOUNT = """
provider "azurerm" {
  features {}
}
resource "azurerm_cognitive_account" "a" {
  name                = "acct"
  location            = "eastus"
  resource_group_name = "rg"
  kind                = "OpenAI"
  sku_name            = "S0"
  tags = { team = "x", model = "m", "use-case" = "chat", environment = "prod" }
}
"""


def _deployment(name: str, model: str, sku: str) -> str:
    return f"""
resource "azurerm_cognitive_deployment" "{name}" {{
  name                 = "{name}"
  cognitive_account_id = azurerm_cognitive_account.a.id
  model {{
    format  = "OpenAI"
    name    = {model}
    version = "2024-05-13"
  }}
  sku {{
    name     = {sku}
    capacity = 100
  }}
}}
"""


def test_public_openai_module_lists_its_deployments_as_unpriced(
    aicost: Runner, tmp_path: Path
) -> None:
    shutil.copy(OPENAI_MODULE, tmp_path / "main.tf")
    result = aicost("check", tmp_path, "--format", "json")
    assert result.code == 1, result.err
    (item,) = result.json["resources"]
    assert item["address"] == "azurerm_cognitive_deployment.this"
    assert item["monthly_cost"] is None
    for unknown in ("count", "model.name", "sku.name"):
        assert unknown in item["unpriced_reason"]
    assert any(f["type"] == "unpriced" for f in result.json["findings"])


def test_provisioned_deployment_of_a_model_from_a_variable_is_not_dropped(
    aicost: Runner, tmp_path: Path
) -> None:
    (tmp_path / "main.tf").write_text(
        _ACCOUNT
        + 'variable "model" {\n  type = string\n}\n'
        + _deployment("ptu", "var.model", '"ProvisionedManaged"')
    )
    result = aicost("check", tmp_path, "--format", "json")
    assert result.code == 1, result.err
    (item,) = result.json["resources"]
    assert item["address"] == "azurerm_cognitive_deployment.ptu"
    assert item["monthly_cost"] is None
    assert "model.name known only after apply" in item["unpriced_reason"]
    # a model not known does not satisfy a required `model` tag with a placeholder
    assert "known after apply" not in str(item.get("tags", {}))


def test_deployment_with_sku_from_a_variable_is_not_priced_per_token(
    aicost: Runner, tmp_path: Path
) -> None:
    usage = tmp_path / "aicost-usage.yml"
    usage.write_text(
        "version: 1\nresource_usage:\n  azurerm_cognitive_deployment.chat:\n"
        "    requests_per_day: 20000\n    input_tokens: 1200\n    output_tokens: 300\n"
    )
    for sku, priced in (('"GlobalStandard"', True), ("var.sku", False)):
        (tmp_path / "main.tf").write_text(
            _ACCOUNT
            + 'variable "sku" {\n  type = string\n}\n'
            + _deployment("chat", '"gpt-4o"', sku)
        )
        result = aicost("check", tmp_path, "--usage-file", usage, "--format", "json")
        assert result.code in (0, 1), result.err
        (item,) = result.json["resources"]
        assert (item["monthly_cost"] is not None) is priced, (sku, item)
    assert "sku.name known only after apply" in item["unpriced_reason"]


def test_sensitive_bedrock_model_arn_never_shows_its_model_id(aicost: Runner) -> None:
    for fmt in ("table", "json", "markdown", "sarif", "junit", "github", "compact"):
        result = aicost("check", plan("aws_sensitive_bedrock"), "--format", fmt)
        assert result.code == 1, result.err
        assert "unreleased-model" not in result.out + result.err, fmt
        assert "secretco" not in result.out + result.err, fmt
