import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeYaml } from '../../../../src/core/yaml/engine';

export const CORPUS = join(__dirname, '..', '..', '..', 'fixtures', 'azureml-examples', 'cli');

/** Every YAML file of the corpus, as paths relative to it. */
export function corpusFiles(folder = CORPUS): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return corpusFiles(path);
    return /\.ya?ml$/i.test(name) ? [path] : [];
  });
}

/** Diagnostics as `line:column code message`, the way a reader checks them. */
export function diagnosticLines(text: string): string[] {
  const { parsed, diagnostics } = analyzeYaml(text);
  return diagnostics.map((d) => {
    const { line, col } = parsed.lineCounter.linePos(d.start);
    return `${line}:${col} ${d.code} ${d.message}`;
  });
}
