/** A problem in a YAML file, as offsets into its text; the editor and the CLI turn them into their positions. */
export interface YamlDiagnostic {
  readonly start: number;
  readonly end: number;
  readonly severity: 'error' | 'warning' | 'information' | 'hint';
  readonly message: string;
  /** Stable id of the check, e.g. `syntax`, `unknown-key`, `type`; shown by the CLI's JSON output. */
  readonly code: string;
  readonly fixes?: readonly YamlFix[];
  /** A mistake the YAML parser itself rejects, so any other YAML tool in the editor reports it too. */
  readonly yamlParser?: true;
}

/** A certain fix: replace `start..end` with `text`. */
export interface YamlFix {
  readonly title: string;
  readonly edits: readonly { readonly start: number; readonly end: number; readonly text: string }[];
}
