variable "resource_group_name" {
  type = string
}

variable "location" {
  type = string
}

variable "workspace_name" {
  type = string
}

variable "storage_account_name" {
  type = string
}

variable "key_vault_name" {
  type = string
}

variable "container_registry_name" {
  type = string
}

variable "application_insights_name" {
  type = string
}

variable "enable_compute_cluster" {
  type    = bool
  default = true
}

variable "compute_name" {
  type = string
}

variable "compute_size" {
  type = string
}

variable "tags" {
  type    = map(string)
  default = {}
}
