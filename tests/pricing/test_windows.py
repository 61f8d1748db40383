"""Windows is priced with its licence on AWS and Azure, detected from the resource."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tests.pricing.helpers import HOURS

WINDOWS_EC2 = """
provider "aws" {
  region = "us-east-1"
}
resource "aws_instance" "win" {
  ami               = "ami-0123456789abcdef0"
  instance_type     = "g4dn.xlarge"
  get_password_data = true
}
resource "aws_instance" "linux" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "g4dn.xlarge"
}
"""

AZURE_IMAGE = """
provider "azurerm" {
  features {}
}
resource "azurerm_virtual_machine" "legacy" {
  name                  = "legacy"
  location              = "eastus"
  resource_group_name   = "rg"
  vm_size               = "Standard_NC6s_v3"
  network_interface_ids = []
  storage_image_reference {
    publisher = "MicrosoftWindowsServer"
    offer     = "WindowsServer"
    sku       = "2022-datacenter"
    version   = "latest"
  }
  storage_os_disk {
    name          = "os"
    create_option = "FromImage"
  }
}
"""


def _by_address(report: dict) -> dict:  # type: ignore[type-arg]
    return {r["address"]: r for r in report["resources"]}


def test_aws_windows_adds_the_licence_per_vcpu(aicost, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "main.tf").write_text(WINDOWS_EC2)
    found = _by_address(aicost("check", tmp_path, "--format", "json").json)
    win, linux = found["aws_instance.win"], found["aws_instance.linux"]
    assert win["planned"]["service"] == "ec2-windows"
    assert any("get_password_data" in n for n in win["planned"]["notes"])
    # g4dn.xlarge: Windows on-demand observed at 0.71 per hour (ec2instances.info,
    # 2025-11-30), which is also 0.526 Linux + 4 vCPU x 0.046 licence
    assert Decimal(linux["monthly_cost_unrounded"]) == Decimal("0.526") * HOURS
    assert Decimal(win["monthly_cost_unrounded"]) == Decimal("0.71") * HOURS
    assert win["purchase"] == "on-demand" and win["estimate"] is False
    (line,) = win["cost_lines"]
    assert line["basis"] == "vantage-2025-11-30"


def test_aws_windows_spot_adds_the_licence_to_the_spot_rate(aicost, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    body = WINDOWS_EC2.replace(
        "get_password_data = true",
        'get_password_data = true\n  instance_market_options {\n    market_type = "spot"\n  }',
    )
    (tmp_path / "main.tf").write_text(body)
    win = _by_address(aicost("check", tmp_path, "--format", "json").json)["aws_instance.win"]
    # no observed Windows spot price: the spot rate (0.2039, SkyPilot) + 4 x 0.046, an estimate
    assert Decimal(win["monthly_cost_unrounded"]) == (Decimal("0.2039") + Decimal("0.184")) * HOURS
    assert win["purchase"] == "spot" and win["estimate"] is True
    assert any("Windows licence" in r for r in win["estimate_reasons"])


def test_azure_windows_image_reference_is_priced_with_the_licence(aicost, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "main.tf").write_text(AZURE_IMAGE)
    (vm,) = aicost("check", tmp_path, "--format", "json").json["resources"]
    assert vm["planned"]["service"] == "vm-windows"
    # NC6s_v3: 3.06 Linux + 6 vCPU x 0.046 = 3.336 per hour
    assert Decimal(vm["monthly_cost_unrounded"]) == Decimal("3.336") * HOURS


AZURE_WEST_EUROPE = """
provider "azurerm" {
  features {}
}
resource "azurerm_windows_virtual_machine" "spot" {
  name                  = "spot"
  location              = "West Europe"
  resource_group_name   = "rg"
  size                  = "Standard_NC6s_v3"
  priority              = "Spot"
  eviction_policy       = "Deallocate"
  admin_username        = "u"
  admin_password        = "P@ssw0rd1234!"
  network_interface_ids = []
  os_disk {
    caching              = "ReadWrite"
    storage_account_type = "Standard_LRS"
  }
}
resource "azurerm_windows_virtual_machine" "payg" {
  name                  = "payg"
  location              = "West Europe"
  resource_group_name   = "rg"
  size                  = "Standard_NC6s_v3"
  admin_username        = "u"
  admin_password        = "P@ssw0rd1234!"
  network_interface_ids = []
  os_disk {
    caching              = "ReadWrite"
    storage_account_type = "Standard_LRS"
  }
}
"""


def test_azure_windows_in_west_europe_uses_the_observed_retail_prices(  # type: ignore[no-untyped-def]
    aicost, tmp_path: Path
) -> None:
    """Where the recorded Retail Prices API snapshot has the size, Windows pay-as-you-go and
    Windows spot are its observed prices, not Linux + an estimated licence."""
    (tmp_path / "main.tf").write_text(AZURE_WEST_EUROPE)
    found = _by_address(aicost("check", tmp_path, "--format", "json").json)
    spot, payg = (
        found["azurerm_windows_virtual_machine.spot"],
        found["azurerm_windows_virtual_machine.payg"],
    )
    assert Decimal(payg["monthly_cost_unrounded"]) == Decimal("4.099") * HOURS
    assert Decimal(spot["monthly_cost_unrounded"]) == Decimal("0.757495") * HOURS
    assert spot["purchase"] == "spot" and spot["estimate"] is False
    assert payg["estimate"] is False
