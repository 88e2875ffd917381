// The resource group and the Azure ML workspace with its storage, key vault, container registry, Application
// Insights and, optionally, the training cluster. Names follow config-infra-*.yml.
targetScope = 'subscription'

@description('Part of every resource name; with postfix and environment at most 20 characters.')
param namespace string = '<%= it.namespace %>'
param postfix string = '<%= it.postfix %>'
param location string = '<%= it.location %>'
param environment string = '<%= it.environment %>'
param enable_aml_computecluster bool = true
param compute_name string = '<%= it.compute %>'
param compute_size string = '<%= it.computeSize %>'

var baseName = '${namespace}${postfix}${environment}'
var tags = {
  project: 'mlops-${namespace}'
  environment: environment
}

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${namespace}-${postfix}${environment}'
  location: location
  tags: tags
}

module workspace 'modules/workspace.bicep' = {
  name: 'workspace'
  scope: rg
  params: {
    workspaceName: 'mlw-${namespace}-${postfix}${environment}'
    storageAccountName: 'st${baseName}'
    keyVaultName: 'kv-${namespace}-${postfix}${environment}'
    containerRegistryName: 'cr${baseName}'
    applicationInsightsName: 'appi-${namespace}-${postfix}${environment}'
    location: location
    tags: tags
  }
}

module compute 'modules/compute.bicep' = if (enable_aml_computecluster) {
  name: 'compute'
  scope: rg
  params: {
    workspaceName: workspace.outputs.workspaceName
    computeName: compute_name
    vmSize: compute_size
    location: location
  }
}

output resourceGroup string = rg.name
output workspaceName string = workspace.outputs.workspaceName
