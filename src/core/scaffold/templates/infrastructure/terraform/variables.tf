variable "namespace" {
  type        = string
  description = "Part of every resource name; with postfix and environment at most 20 characters."
  default     = "<%= it.namespace %>"
}

variable "postfix" {
  type    = string
  default = "<%= it.postfix %>"
}

variable "location" {
  type    = string
  default = "<%= it.location %>"
}

variable "environment" {
  type    = string
  default = "<%= it.environment %>"
}

variable "enable_aml_computecluster" {
  type    = bool
  default = true
}

variable "compute_name" {
  type    = string
  default = "<%= it.compute %>"
}

variable "compute_size" {
  type    = string
  default = "<%= it.computeSize %>"
}
