import type { ClassifiedError } from './kinds';

interface YamlErrorShape {
  name: string;
  message: string;
  linePos?: [{ line: number; col: number }, ...unknown[]];
}

/** Errors of the `yaml` library: parse errors carry the line and column they are about. */
export function isYamlError(error: unknown): error is YamlErrorShape {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'YAMLParseError' || name === 'YAMLWarning';
}

export function classifyYamlError(error: YamlErrorShape): ClassifiedError {
  const position = error.linePos?.[0];
  const where = position ? ` (line ${position.line}, column ${position.col})` : '';
  return {
    kind: 'invalidInput',
    source: 'yaml',
    message: `The YAML is not valid${where}: ${error.message.split('\n')[0]}`,
    action: 'none',
  };
}
