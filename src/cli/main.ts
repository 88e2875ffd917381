#!/usr/bin/env node
// `azureml-inner-loop validate <files, folders or globs>`: the editor's YAML checks, for CI.
// `azureml-inner-loop new --out <folder> …`: a new MLOps v2 project.
import { readFileSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { globSync } from 'tinyglobby';
import type { YamlDiagnostic } from '../core/yaml/diagnostic';
import { analyzeWithReferences } from '../core/yaml/engine';
import { parseArgs, UsageError } from './args';
import { NEW_USAGE, runNew } from './new';

const VALIDATE_USAGE = `Usage: azureml-inner-loop validate [--format text|json] <file | folder | glob>...

Checks Azure ML YAML files against the schemas the VS Code extension uses and prints
file:line:column severity message for each problem. Folders are searched for *.yml and *.yaml;
YAML that is not Azure ML YAML is skipped. Exits with 1 when there are errors, 2 on bad usage.`;
const USAGE = `${VALIDATE_USAGE}\n\n${NEW_USAGE}`;

interface Finding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly severity: Exclude<YamlDiagnostic['severity'], 'hint'>;
  readonly code: string;
  readonly message: string;
}

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (command === 'new') return runNew(rest);
  if (command !== 'validate') {
    console.error(command ? `Unknown command "${command}".\n\n${USAGE}` : USAGE);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs(rest, { values: ['format'] });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${VALIDATE_USAGE}`);
    return 2;
  }
  const format = parsed.values.get('format') ?? 'text';
  if (format !== 'text' && format !== 'json') {
    console.error(`--format takes "text" or "json", not "${format}".`);
    return 2;
  }
  const patterns = parsed.positional;
  if (patterns.length === 0) {
    console.error(`Name at least one file, folder or glob.\n\n${VALIDATE_USAGE}`);
    return 2;
  }
  const files = expand(patterns);
  if (files.missing.length > 0) {
    console.error(`Nothing matches ${files.missing.map((p) => `"${p}"`).join(', ')}.`);
    return 2;
  }
  const findings = (await Promise.all(files.found.map(check))).flat();
  if (format === 'json') {
    console.log(JSON.stringify(findings, null, 2));
  } else {
    for (const f of findings) console.log(`${f.file}:${f.line}:${f.column} ${f.severity} ${f.message} [${f.code}]`);
    const errors = findings.filter((f) => f.severity === 'error').length;
    const warnings = findings.filter((f) => f.severity === 'warning').length;
    console.error(`${files.found.length} file(s) checked: ${errors} error(s), ${warnings} warning(s).`);
  }
  return findings.some((f) => f.severity === 'error') ? 1 : 0;
}

function expand(patterns: string[]): { found: string[]; missing: string[] } {
  const found = new Set<string>();
  const missing: string[] = [];
  for (const pattern of patterns) {
    let matches: string[];
    if (isDirectory(pattern)) {
      matches = globSync(['**/*.yml', '**/*.yaml'], { cwd: pattern, absolute: true, ignore: ['**/node_modules/**'] });
    } else if (isFile(pattern)) {
      matches = [pattern];
    } else {
      matches = globSync(pattern, { absolute: true, ignore: ['**/node_modules/**'] });
    }
    if (matches.length === 0) missing.push(pattern);
    for (const match of matches) found.add(relative(process.cwd(), match) || match);
  }
  return { found: [...found].sort(), missing };
}

async function check(file: string): Promise<Finding[]> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return [
      {
        file,
        line: 1,
        column: 1,
        endLine: 1,
        endColumn: 1,
        severity: 'error',
        code: 'read',
        message: `Cannot read the file: ${reason}`,
      },
    ];
  }
  const folder = dirname(resolve(file));
  const { parsed, diagnostics } = await analyzeWithReferences(text, {
    pathKind: async (path) => {
      try {
        return (await stat(resolve(folder, path))).isDirectory() ? 'directory' : 'file';
      } catch {
        return undefined;
      }
    },
  });
  // Hints are editor nudges (such as "add $schema"), not findings.
  const findings = diagnostics.filter(
    (diagnostic): diagnostic is YamlDiagnostic & { severity: Finding['severity'] } => diagnostic.severity !== 'hint',
  );
  return findings.map((diagnostic) => {
    const start = parsed.lineCounter.linePos(diagnostic.start);
    const end = parsed.lineCounter.linePos(diagnostic.end);
    return {
      file,
      line: start.line,
      column: start.col,
      endLine: end.line,
      endColumn: end.col,
      severity: diagnostic.severity,
      code: diagnostic.code,
      message: diagnostic.message,
    };
  });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 2;
  },
);
