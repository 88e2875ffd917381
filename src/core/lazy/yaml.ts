// Bundle entry of dist/yaml.js: the YAML library, loaded on first use through load.ts (the details
// documents need it; so does the YAML engine, whose own bundle requires this one rather than a copy).
export { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parse, parseDocument, stringify } from 'yaml';
export type { Document, Node, Pair, ParsedNode, Scalar, YAMLMap, YAMLSeq } from 'yaml';
