output "resource_group" {
  value = azurerm_resource_group.main.name
}

output "workspace_name" {
  value = module.aml_workspace.workspace_name
}
