// Bundle entry of dist/azure-clients.js: the project's Azure clients and what only they use. The first
// list a view draws needs the Azure SDK anyway, so these load with it, on first use, not at activation.
export { AzureMlArm } from '../azure/armClient';
export { createIdentityCredential } from '../azure/credentials';
export { describeTokenAccount } from '../azure/account';
export { toAzMlYaml } from '../azure/azMlShape';
