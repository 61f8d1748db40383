"""Rules never demand the impossible: an Azure OpenAI deployment's tags are its account's.

``azurerm_cognitive_deployment`` has no ``tags`` argument. Its tags come from its cognitive
account in the plan (llm_azure_gcp, a real plan) or in the configuration (static mode,
tests/fixtures/advice/azure_openai), or for a shared account managed elsewhere from the
policy's ``settings.account_tags``; a finding says where the missing tag goes.
"""

from __future__ import annotations

from pathlib import Path

from aicost.pipeline import run_check
from aicost.policy.loader import load_policy
from tests.conftest import FIXTURES, plan

POLICY = """\
version: 1
name: tags
unpriced: ignore
rules:
  - id: ai-tags
    type: required-tags
    tags: [team, model, use-case, environment]
"""
SHARED = """\
settings:
  account_tags:
    "*/accounts/shared-openai": {team: platform, use-case: assistant, environment: prod}
    "data.azurerm_cognitive_account.platform": {team: platform, use-case: search}
"""
STATIC = FIXTURES / "advice" / "azure_openai"


def _messages(tmp_path: Path, inputs: list[Path], text: str) -> dict[str, str]:
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_check(inputs, load_policy(path))
    return {f.address: f.message for f in result.findings if f.rule == "ai-tags"}


def test_plan_deployments_take_the_account_tags_and_say_where_tags_go(tmp_path: Path) -> None:
    found = _messages(tmp_path, [plan("llm_azure_gcp")], POLICY)
    # the account has team and environment; the model tag is the deployment's own model
    assert found["azurerm_cognitive_deployment.chat"] == (
        "missing required tag: use-case; azurerm_cognitive_deployment cannot carry tags: its "
        "tags come from its cognitive account azurerm_cognitive_account.openai "
        "(add the tags there)"
    )


def test_static_mode_reads_the_account_in_the_configuration(tmp_path: Path) -> None:
    found = _messages(tmp_path, [STATIC], POLICY)
    # the account has team, use-case and environment; model comes from model.name
    assert "azurerm_cognitive_deployment.gpt4o" not in found
    shared = found["azurerm_cognitive_deployment.shared_mini"]
    assert "which is not in this configuration: tag the account where it is managed and " in (
        shared
    )
    assert "declare its tags in the policy's settings.account_tags" in shared
    assert (
        "data.azurerm_cognitive_account.platform,"
        in found["azurerm_cognitive_deployment.embeddings"]
    )


def test_shared_accounts_declared_in_the_policy(tmp_path: Path) -> None:
    found = _messages(tmp_path, [STATIC], POLICY + SHARED)
    assert "azurerm_cognitive_deployment.shared_mini" not in found
    assert found["azurerm_cognitive_deployment.embeddings"] == (
        "missing required tag: environment; azurerm_cognitive_deployment cannot carry tags: "
        "its tags come from the policy's "
        "settings.account_tags['data.azurerm_cognitive_account.platform']"
    )


def test_a_model_garden_deployment_has_no_labels_so_the_policy_declares_them(
    tmp_path: Path,
) -> None:
    found = _messages(tmp_path, [plan("llm_azure_gcp")], POLICY)
    gemma = found["google_vertex_ai_endpoint_with_model_garden_deployment.gemma"]
    assert gemma.startswith("missing required tags: team, use-case, environment;")  # model: own
    assert "cannot carry tags: its tags come from the policy's settings.resource_tags" in gemma
    declared = POLICY + (
        "settings:\n  resource_tags:\n"
        '    "google_vertex_ai_endpoint_with_model_garden_deployment.*": '
        "{team: research, use-case: eval, environment: dev}\n"
    )
    assert "google_vertex_ai_endpoint_with_model_garden_deployment.gemma" not in _messages(
        tmp_path, [plan("llm_azure_gcp")], declared
    )
