output "workspace_name" {
  value = azurerm_machine_learning_workspace.main.name
}

output "workspace_id" {
  value = azurerm_machine_learning_workspace.main.id
}
