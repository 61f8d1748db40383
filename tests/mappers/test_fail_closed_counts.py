"""Fail closed on node counts: a GPU pool whose size comes from a variable without a value is
an unpriced AI workload, never priced as 1 (or 0) nodes, on Google Cloud and Azure as on AWS."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Runner, plan

_LABELS = '{ team = "x", model = "m", "use-case" = "u", environment = "e" }'

_GOOGLE = f"""
provider "google" {{
  region = "us-central1"
}}
variable "nodes" {{
  type = number
}}
resource "google_container_cluster" "c" {{
  name               = "c"
  location           = "us-central1-a"
  initial_node_count = var.nodes
  node_config {{
    machine_type = "a2-highgpu-1g"
  }}
  resource_labels = {_LABELS}
}}
resource "google_container_node_pool" "p" {{
  name       = "p"
  cluster    = "c"
  location   = "us-central1-a"
  node_count = var.nodes
  node_config {{
    machine_type    = "a2-highgpu-1g"
    resource_labels = {_LABELS}
  }}
}}
"""

_AZURE = f"""
provider "azurerm" {{
  features {{}}
}}
variable "nodes" {{
  type = number
}}
resource "azurerm_kubernetes_cluster" "k" {{
  name                = "k"
  location            = "eastus"
  resource_group_name = "rg"
  dns_prefix          = "k"
  default_node_pool {{
    name       = "default"
    vm_size    = "Standard_NC24ads_A100_v4"
    node_count = var.nodes
  }}
  tags = {_LABELS}
}}
resource "azurerm_kubernetes_cluster_node_pool" "np" {{
  name                  = "np"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.k.id
  vm_size               = "Standard_NC24ads_A100_v4"
  node_count            = var.nodes
  tags                  = {_LABELS}
}}
resource "azurerm_linux_virtual_machine_scale_set" "s" {{
  name                = "s"
  location            = "eastus"
  resource_group_name = "rg"
  sku                 = "Standard_NC24ads_A100_v4"
  instances           = var.nodes
  admin_username      = "a"
  tags                = {_LABELS}
}}
resource "azurerm_machine_learning_compute_cluster" "ml" {{
  name                          = "ml"
  location                      = "eastus"
  machine_learning_workspace_id = "w"
  vm_priority                   = "Dedicated"
  vm_size                       = "Standard_NC24ads_A100_v4"
  scale_settings {{
    min_node_count                       = var.nodes
    max_node_count                       = 4
    scale_down_nodes_after_idle_duration = "PT30S"
  }}
  tags = {_LABELS}
}}
"""

_MORE = """
provider "aws" {
  region = "us-east-1"
}
provider "google" {
  region = "us-central1"
}
variable "nodes" {
  type = number
}
resource "aws_sagemaker_endpoint_configuration" "c" {
  name = "cfg"
  production_variants {
    variant_name           = "v"
    model_name             = "m"
    instance_type          = "ml.g5.2xlarge"
    initial_instance_count = var.nodes
  }
}
resource "aws_sagemaker_endpoint" "e" {
  name                 = "ep"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.c.name
}
resource "google_compute_instance_template" "t" {
  name         = "t"
  machine_type = "a2-highgpu-1g"
}
resource "google_compute_instance_group_manager" "m" {
  name               = "m"
  zone               = "us-central1-a"
  base_instance_name = "b"
  target_size        = var.nodes
  version {
    instance_template = google_compute_instance_template.t.id
  }
}
resource "google_vertex_ai_endpoint_with_model_garden_deployment" "mg" {
  publisher_model_name = "publishers/google/models/gemma3@gemma-3-1b-it"
  location             = "us-central1"
  deploy_config {
    dedicated_resources {
      machine_spec {
        machine_type      = "g2-standard-12"
        accelerator_type  = "NVIDIA_L4"
        accelerator_count = 1
      }
      min_replica_count = var.nodes
    }
  }
}
"""

_EXPECTED = {
    "google": {
        "google_container_cluster.c": "initial_node_count (from var.nodes) not known",
        "google_container_node_pool.p": "node_count (from var.nodes) not known",
    },
    "azure": {
        "azurerm_kubernetes_cluster.k": "default_node_pool.0.node_count (from var.nodes) not known",
        "azurerm_kubernetes_cluster_node_pool.np": "node_count (from var.nodes) not known",
        "azurerm_linux_virtual_machine_scale_set.s": "instances (from var.nodes) not known",
        "azurerm_machine_learning_compute_cluster.ml": (
            "scale_settings.0.min_node_count (from var.nodes) not known"
        ),
    },
    "more": {
        "aws_sagemaker_endpoint.e": "production_variants.initial_instance_count not known",
        "google_compute_instance_group_manager.m": "target_size (from var.nodes) not known",
        "google_vertex_ai_endpoint_with_model_garden_deployment.mg": (
            "deploy_config.dedicated_resources.min_replica_count (from var.nodes) not known"
        ),
    },
}
_CONFIGS = {"google": _GOOGLE, "azure": _AZURE, "more": _MORE}


@pytest.mark.parametrize("cloud", sorted(_CONFIGS))
def test_gpu_pool_sized_by_a_variable_without_value_is_unpriced(
    aicost: Runner, tmp_path: Path, cloud: str
) -> None:
    (tmp_path / "main.tf").write_text(_CONFIGS[cloud])
    result = aicost("check", tmp_path, "--format", "json")
    assert result.code == 1, result.err
    reasons = {r["address"]: r["unpriced_reason"] for r in result.json["resources"]}
    assert set(reasons) == set(_EXPECTED[cloud])
    for address, reason in _EXPECTED[cloud].items():
        assert reasons[address].startswith(reason), (address, reasons[address])
    unpriced = {f["address"] for f in result.json["findings"] if f["type"] == "unpriced"}
    assert unpriced == set(_EXPECTED[cloud])


def test_gke_cluster_resource_labels_are_its_default_pool_tags(
    aicost: Runner, tmp_path: Path
) -> None:
    (tmp_path / "main.tf").write_text(_GOOGLE.replace("var.nodes", "2"))
    result = aicost("check", tmp_path, "--format", "json")
    assert result.code == 0, result.out
    costs = {r["address"]: r["monthly_cost"] for r in result.json["resources"]}
    assert all(cost is not None for cost in costs.values()), costs


_GPU_TYPE_FROM_A_VARIABLE = """
provider "google" {
  region = "us-central1"
}
variable "gpu" {
  type = string
}
resource "google_compute_instance" "ci" {
  name         = "ci"
  zone         = "us-central1-a"
  machine_type = "n1-standard-8"
  guest_accelerator {
    type  = var.gpu
    count = 1
  }
}
resource "google_container_node_pool" "gp" {
  name       = "gp"
  cluster    = "c"
  location   = "us-central1-a"
  node_count = 1
  node_config {
    machine_type = "n1-standard-8"
    guest_accelerator {
      type  = var.gpu
      count = 1
    }
  }
}
resource "google_notebooks_instance" "nb" {
  name         = "nb"
  location     = "us-central1-a"
  machine_type = "n1-standard-4"
  accelerator_config {
    type       = var.gpu
    core_count = 1
  }
}
resource "google_workbench_instance" "wb" {
  name     = "wb"
  location = "us-central1-a"
  gce_setup {
    machine_type = var.gpu
  }
}
"""


def test_gcp_accelerator_type_from_a_variable_is_not_non_ai(aicost: Runner, tmp_path: Path) -> None:
    """An N1 machine with a guest GPU of a type not known was counted as a plain N1 machine."""
    (tmp_path / "main.tf").write_text(_GPU_TYPE_FROM_A_VARIABLE)
    result = aicost("check", tmp_path, "--format", "json")
    assert result.code == 1, result.err
    assert result.json["summary"]["non_ai_resources"] == 0
    costs = {r["address"]: r["monthly_cost"] for r in result.json["resources"]}
    assert costs == {
        "google_compute_instance.ci": None,
        "google_container_node_pool.gp": None,
        "google_notebooks_instance.nb": None,
        "google_workbench_instance.wb": None,
    }
    # a guest accelerator block with count 0 asks for none: those machines stay non-AI
    (tmp_path / "main.tf").write_text(_GPU_TYPE_FROM_A_VARIABLE.replace("count = 1", "count = 0"))
    result = aicost("check", tmp_path, "--format", "json")
    addresses = {r["address"] for r in result.json["resources"]}
    assert "google_compute_instance.ci" not in addresses
    assert "google_container_node_pool.gp" not in addresses


def test_autoscaling_group_names_its_launch_template_whose_type_is_unknown(
    aicost: Runner, tmp_path: Path
) -> None:
    """The template is in the configuration: the reason must not say it is missing."""
    (tmp_path / "main.tf").write_text(
        'provider "aws" {\n  region = "us-east-1"\n}\n'
        'variable "t" {\n  type = string\n}\n'
        'resource "aws_launch_template" "lt" {\n  name = "gpu"\n  instance_type = var.t\n}\n'
        'resource "aws_autoscaling_group" "g" {\n  name = "g"\n  min_size = 1\n'
        "  max_size = 2\n  desired_capacity = 1\n"
        "  launch_template {\n    id = aws_launch_template.lt.id\n  }\n}\n"
    )
    result = aicost("check", tmp_path, "--format", "json")
    (item,) = result.json["resources"]
    assert item["monthly_cost"] is None
    assert "the instance_type of aws_launch_template.lt is not known" in item["unpriced_reason"]
    assert "not in this plan" not in item["unpriced_reason"]


def test_attribute_based_autoscaling_group_says_how_its_instances_are_chosen(
    aicost: Runner, tmp_path: Path
) -> None:
    """A GPU group chosen by instance_requirements is unpriced, and says why."""
    (tmp_path / "main.tf").write_text(
        'provider "aws" {\n  region = "us-east-1"\n}\n'
        'resource "aws_launch_template" "t" {\n  name = "abis"\n  image_id = "ami-1"\n}\n'
        'resource "aws_autoscaling_group" "g" {\n  name = "g"\n  min_size = 2\n'
        "  max_size = 4\n  desired_capacity = 2\n  mixed_instances_policy {\n"
        "    launch_template {\n      launch_template_specification {\n"
        "        launch_template_id = aws_launch_template.t.id\n      }\n"
        "      override {\n        instance_requirements {\n"
        "          vcpu_count {\n            min = 4\n          }\n"
        "          memory_mib {\n            min = 16384\n          }\n"
        "          accelerator_count {\n            min = 1\n          }\n"
        "        }\n      }\n    }\n  }\n}\n"
    )
    result = aicost("check", tmp_path, "--format", "json")
    (item,) = result.json["resources"]
    assert item["monthly_cost"] is None
    assert "chosen at launch by instance_requirements" in item["unpriced_reason"]


def test_fleets_chosen_by_attributes_in_a_real_plan_are_unpriced_ai(aicost: Runner) -> None:
    """A real plan (terraform + hashicorp/aws 5.100.0): an autoscaling group and an EC2 fleet
    that pick GPU instances by instance_requirements."""
    result = aicost("check", plan("aws_attribute_based"), "--format", "json")
    assert result.code == 1, result.err
    reasons = {r["address"]: r["unpriced_reason"] for r in result.json["resources"]}
    for address in ("aws_autoscaling_group.abis", "aws_ec2_fleet.f"):
        assert "chosen at launch by instance_requirements" in reasons[address], reasons
    assert result.json["summary"]["non_ai_resources"] == 1  # Batch on "optimal": C/M/R only
