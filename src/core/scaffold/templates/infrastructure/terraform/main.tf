# The resource group and the Azure ML workspace with its storage, key vault, container registry, Application
# Insights and, optionally, the training cluster. Names follow config-infra-*.yml.
terraform {
  required_version = ">= 1.5"
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.0"
    }
  }
  # The CI passes the state storage with -backend-config (see config-infra-*.yml, terraform_st_*).
  backend "azurerm" {}
}

provider "azurerm" {
  features {}
}

locals {
  suffix    = "${var.namespace}-${var.postfix}${var.environment}"
  base_name = "${var.namespace}${var.postfix}${var.environment}"
  tags = {
    project     = "mlops-${var.namespace}"
    environment = var.environment
  }
}

resource "azurerm_resource_group" "main" {
  name     = "rg-${local.suffix}"
  location = var.location
  tags     = local.tags
}

module "aml_workspace" {
  source                    = "./modules/aml-workspace"
  resource_group_name       = azurerm_resource_group.main.name
  location                  = var.location
  workspace_name            = "mlw-${local.suffix}"
  storage_account_name      = "st${local.base_name}"
  key_vault_name            = "kv-${local.suffix}"
  container_registry_name   = "cr${local.base_name}"
  application_insights_name = "appi-${local.suffix}"
  enable_compute_cluster    = var.enable_aml_computecluster
  compute_name              = var.compute_name
  compute_size              = var.compute_size
  tags                      = local.tags
}
