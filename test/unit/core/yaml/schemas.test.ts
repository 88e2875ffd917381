import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { allKinds } from '../../../../src/core/yaml/schemaCatalog';
import { resolveSchema, schemaFiles, type SchemaObject } from '../../../../src/core/yaml/schemaIndex';
import { SCHEMA_FILES } from '../../../../src/core/yaml/schemas';

const FOLDER = join(__dirname, '..', '..', '..', '..', 'src', 'core', 'yaml', 'schemas');

/** Every property declaration in a schema file, with its JSON pointer. */
function properties(value: unknown, pointer: string, found: { pointer: string; schema: SchemaObject }[]): void {
  if (typeof value !== 'object' || value === null) return;
  const record = value as Record<string, unknown>;
  const declared = record.properties;
  // Conditions of if/then only select a branch, and a definition may itself be named "properties".
  const declares =
    !pointer.endsWith('/definitions') && !/\/(if|not)(\/|$)/.test(pointer) && pointer.split('/').pop() !== 'properties';
  if (declared && typeof declared === 'object' && !Array.isArray(declared) && declares) {
    for (const [name, schema] of Object.entries(declared))
      found.push({ pointer: `${pointer}/properties/${name}`, schema: schema as SchemaObject });
  }
  for (const [key, child] of Object.entries(record)) properties(child, `${pointer}/${key}`, found);
}

describe('core/yaml: the schema files', () => {
  it('bundles every schema file of the folder', () => {
    const onDisk = readdirSync(FOLDER).filter((name) => name.endsWith('.schema.json')).length;
    assert.equal(SCHEMA_FILES.length, onDisk, 'src/core/yaml/schemas/index.ts must import every *.schema.json');
  });

  it('covers the Azure ML kinds, each with a title and at least one published URL name', () => {
    const kinds = allKinds().map((kind) => kind.kind);
    for (const expected of [
      'commandJob',
      'pipelineJob',
      'sweepJob',
      'sparkJob',
      'autoMLJob',
      'commandComponent',
      'pipelineComponent',
      'parallelComponent',
      'sparkComponent',
      'environment',
      'data',
      'model',
      'mlTable',
      'amlCompute',
      'computeInstance',
      'kubernetesCompute',
      'azureBlob',
      'azureFile',
      'azureDataLakeGen1',
      'azureDataLakeGen2',
      'oneLake',
      'managedOnlineEndpoint',
      'managedOnlineDeployment',
      'kubernetesOnlineEndpoint',
      'kubernetesOnlineDeployment',
      'batchEndpoint',
      'modelBatchDeployment',
      'pipelineComponentBatchDeployment',
      'schedule',
      'workspace',
      'connection',
      'registry',
      'featureSet',
      'featureStoreEntity',
    ]) {
      assert.ok(kinds.includes(expected), `no schema for ${expected}`);
    }
    for (const kind of allKinds()) {
      assert.ok(kind.title && kind.title !== kind.kind, `${kind.kind} needs a readable title`);
      assert.ok(kind.urlNames.length > 0, `${kind.kind} needs a URL name`);
    }
    const names = allKinds().flatMap((kind) => kind.urlNames);
    assert.equal(new Set(names).size, names.length, 'two kinds claim the same $schema URL name');
  });

  it('describes every property, for hovers', () => {
    const missing: string[] = [];
    for (const [id, file] of schemaFiles()) {
      const found: { pointer: string; schema: SchemaObject }[] = [];
      properties(file, '', found);
      const described = (schema: SchemaObject) => Boolean(schema.description ?? resolveSchema(schema).description);
      // A then-branch may re-list a key the mapping around it describes (to close the mapping to other keys).
      const describedAround = new Set(
        found
          .filter(({ schema }) => described(schema))
          .map(({ pointer }) => pointer.replace(/\/allOf\/\d+|\/then/g, '')),
      );
      for (const { pointer, schema } of found) {
        if (pointer.endsWith('/properties/$schema') || described(schema)) continue;
        if (pointer.includes('/then/') && describedAround.has(pointer.replace(/\/allOf\/\d+|\/then/g, ''))) continue;
        missing.push(`${id.split('/').pop()}#${pointer}`);
      }
    }
    assert.deepEqual(missing, []);
  });
});
