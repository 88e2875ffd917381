// Bundle entry of dist/yaml.js: the YAML library, loaded on first use through load.ts (the details
// documents and, later, YAML authoring need it; drawing the first tree does not).
export { parse, parseDocument, stringify } from 'yaml';
