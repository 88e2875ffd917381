// Bundle entry of dist/explorer-actions.js: what the explorer's commands do once invoked. Nothing here
// draws a tree, so it loads on the first command, not at activation.
export { copyAssetReference, copyResourceId, openInStudio, showDetails } from './itemActions';
export { askFilterText, askStatusGroups } from './jobs/jobFilterPrompts';
export { pickWorkspace, workspacePicks } from './pickWorkspace';
