// The YAML engine's benchmark, run by scripts/bench.mjs as `node --require tsx/cjs test/bench/yaml/measure.ts`:
// times analyzeYaml on a generated 1,000-line pipeline job and on every file of the azureml-examples corpus, and
// completeAt deep inside the pipeline, and prints every sample as one line of JSON (YamlBenchResults). Beside
// each figure it times the YAML parser alone and JSON.parse of the same content, as references from the same run.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseDocument } from '../../../src/core/lazy/yaml';
import { analyzeYaml } from '../../../src/core/yaml/engine';
import { completeAt } from '../../../src/core/yaml/language';
import { pipelineYaml } from './pipeline';

const VALIDATE_RUNS = 30;
const COMPLETION_RUNS = 30;
const CORPUS_RUNS = 5;
const CORPUS = join(__dirname, '..', '..', 'fixtures', 'azureml-examples', 'cli');

/** Same-run references: parsing the text with the YAML library alone, and JSON.parse of the same content. */
export interface References {
  readonly yamlParseMs: number;
  readonly jsonParseMs: number;
}

export interface YamlBenchResults {
  readonly validate: { lines: number; samplesMs: number[]; reference: References };
  readonly corpus: {
    files: number;
    runsPerFile: number;
    /** The median of each file's runs, in the order of `names`. */
    perFileMs: number[];
    names: string[];
    reference: { yamlParseP95Ms: number; jsonParseP95Ms: number };
  };
  readonly completion: { step: string; items: number; samplesMs: number[]; reference: References };
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The nearest-rank percentile. */
export const percentile = (values: readonly number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil((p / 100) * values.length) - 1)];

function samples(runs: number, run: () => unknown): number[] {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return times;
}

function references(text: string, runs: number): References {
  // The engine's own value of the text; a template that is not YAML until a script fills it in has none (`null`).
  const json = JSON.stringify(analyzeYaml(text).parsed.value ?? null);
  return {
    yamlParseMs: median(samples(runs, () => parseDocument(text))),
    jsonParseMs: median(samples(runs, () => JSON.parse(json))),
  };
}

function corpusFiles(folder = CORPUS): string[] {
  return readdirSync(folder)
    .sort()
    .flatMap((name) => {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) return corpusFiles(path);
      return /\.ya?ml$/i.test(name) ? [path] : [];
    });
}

function fail(message: string): never {
  throw new Error(`YAML benchmark: ${message}`);
}

function measureValidate(text: string): YamlBenchResults['validate'] {
  const errors = analyzeYaml(text).diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning');
  if (errors.length > 0) fail(`the generated pipeline is not valid: ${errors.map((d) => d.message).join('; ')}`);
  // The first call compiles the schemas; later ones are what an edit costs.
  for (let i = 0; i < 5; i++) analyzeYaml(text);
  return {
    lines: text.split('\n').length - 1,
    samplesMs: samples(VALIDATE_RUNS, () => analyzeYaml(text)),
    reference: references(text, VALIDATE_RUNS),
  };
}

function measureCorpus(): YamlBenchResults['corpus'] {
  const files = corpusFiles().map((path) => ({ name: relative(CORPUS, path), text: readFileSync(path, 'utf8') }));
  if (files.length < 250) fail(`only ${files.length} corpus files under ${CORPUS}`);
  for (const file of files) analyzeYaml(file.text);
  const perFile = files.map((file) => ({
    ms: median(samples(CORPUS_RUNS, () => analyzeYaml(file.text))),
    reference: references(file.text, CORPUS_RUNS),
  }));
  return {
    files: files.length,
    runsPerFile: CORPUS_RUNS,
    perFileMs: perFile.map((file) => file.ms),
    names: files.map((file) => file.name),
    reference: {
      yamlParseP95Ms: percentile(
        perFile.map((file) => file.reference.yamlParseMs),
        95,
      ),
      jsonParseP95Ms: percentile(
        perFile.map((file) => file.reference.jsonParseMs),
        95,
      ),
    },
  };
}

function measureCompletion(text: string, step: string): YamlBenchResults['completion'] {
  // A new, indented blank line in the step's `resources:` mapping, right after its `instance_count`.
  const stepStart = text.indexOf(`\n  ${step}:\n`);
  const countLine = text.indexOf('\n      instance_count: ', stepStart);
  if (stepStart === -1 || countLine === -1) fail(`no resources.instance_count in step ${step}`);
  const lineEnd = text.indexOf('\n', countLine + 1);
  const edited = text.slice(0, lineEnd) + '\n      ' + text.slice(lineEnd);
  const offset = lineEnd + '\n      '.length;
  const labels = completeAt(edited, offset).map((item) => item.label);
  if (!labels.includes('instance_type') || labels.includes('instance_count'))
    fail(`completion in ${step}.resources offered ${labels.join(', ') || 'nothing'}`);
  for (let i = 0; i < 5; i++) completeAt(edited, offset);
  return {
    step,
    items: labels.length,
    samplesMs: samples(COMPLETION_RUNS, () => completeAt(edited, offset)),
    reference: references(edited, COMPLETION_RUNS),
  };
}

const { text, completionStep } = pipelineYaml(1000);
const results: YamlBenchResults = {
  validate: measureValidate(text),
  corpus: measureCorpus(),
  completion: measureCompletion(text, completionStep),
};
process.stdout.write(JSON.stringify(results) + '\n');
