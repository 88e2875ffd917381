/**
 * GitHub's published OpenAPI description (npm @octokit/openapi) as a request and response checker:
 * which operation a method and path are, their path and query parameters, the JSON body against the
 * operation's requestBody schema, and a response against the documented status and schema. The
 * description is OpenAPI 3.0; its schemas become JSON Schema for ajv here (`nullable`, boolean
 * `exclusiveMinimum`, refs into the components).
 */
import { readFileSync } from 'node:fs';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';

/** The descriptions the package ships that this double can serve: github.com and GitHub Enterprise Server. */
export type DescriptionName = 'api.github.com' | 'ghes-3.17' | 'ghes-3.18' | 'ghes-3.19';

/** The API version every description serves when a request names none. */
export const DEFAULT_API_VERSION = '2022-11-28';

type Json = Record<string, unknown>;

interface Parameter {
  name: string;
  description?: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Json;
}

export interface Operation {
  operationId: string;
  method: string;
  pathTemplate: string;
  parameters: Parameter[];
  requestBody?: {
    required?: boolean;
    content: Record<string, { schema?: Json; examples?: Record<string, { value: unknown }> }>;
  };
  responses: Record<string, { content?: Record<string, { schema?: Json }> }>;
  breakingChanges: { version: string; patch: { op: string; path: string; value?: unknown }[] }[];
}

export interface CheckedRequest {
  operation?: Operation;
  pathParams: Record<string, string | number>;
  query: Record<string, string | number | boolean>;
  body: unknown;
  apiVersion: string;
  problems: string[];
}

const COMPONENTS_ID = 'https://github-double.invalid/components';
const JSON_TYPES = ['application/json', 'application/vnd.github+json', 'application/vnd.github.v3+json', '*/*'];

export class GitHubDescription {
  readonly apiVersions: string[];
  private readonly operations: {
    pattern: RegExp;
    names: string[];
    literalLength: number;
    byMethod: Map<string, Operation>;
  }[] = [];
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(
    readonly name: DescriptionName,
    private readonly document: Json,
  ) {
    this.ajv = new Ajv({
      strict: false,
      allErrors: true,
      formats: {
        'date-time': /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i,
        date: /^\d{4}-\d\d-\d\d$/,
        uri: (text: string) => URL.canParse(text),
        // Formats the description uses for documentation only; GitHub does not check them on input.
        ...Object.fromEntries(
          ['int64', 'int32', 'double', 'repo.nwo', 'binary', 'uri-template', 'email', 'timestamp'].map((f) => [
            f,
            true,
          ]),
        ),
      },
    });
    const components = (document.components ?? {}) as Json;
    const schemas = (components.schemas ?? {}) as Record<string, Json>;
    this.ajv.addSchema({
      $id: COMPONENTS_ID,
      definitions: Object.fromEntries(Object.entries(schemas).map(([key, schema]) => [key, toJsonSchema(schema)])),
    });
    const versions = new Set([DEFAULT_API_VERSION]);
    for (const [template, item] of Object.entries((document.paths ?? {}) as Record<string, Json>)) {
      const names = [...template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      const pattern = new RegExp(
        `^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '([^/]+)')}$`,
      );
      const byMethod = new Map<string, Operation>();
      for (const [method, raw] of Object.entries(item)) {
        if (!['get', 'put', 'post', 'delete', 'patch', 'head'].includes(method)) continue;
        const operation = raw as Json;
        const breakingChanges = (operation['x-github-breaking-changes'] ?? []) as Operation['breakingChanges'];
        for (const change of breakingChanges) versions.add(change.version);
        byMethod.set(method.toUpperCase(), {
          operationId: String(operation.operationId),
          method: method.toUpperCase(),
          pathTemplate: template,
          parameters: [...((item.parameters ?? []) as Json[]), ...((operation.parameters ?? []) as Json[])].map(
            (parameter) => this.resolve(parameter) as unknown as Parameter,
          ),
          requestBody: operation.requestBody
            ? (this.resolve(operation.requestBody as Json) as Operation['requestBody'])
            : undefined,
          responses: Object.fromEntries(
            Object.entries((operation.responses ?? {}) as Record<string, Json>).map(([status, response]) => [
              status,
              this.resolve(response),
            ]),
          ) as Operation['responses'],
          breakingChanges,
        });
      }
      const literalLength = template.replace(/\{[^}]+\}/g, '').length;
      this.operations.push({ pattern, names, literalLength, byMethod });
    }
    // Literal segments win over parameters, as in any router.
    this.operations.sort((a, b) => b.literalLength - a.literalLength);
    this.apiVersions = [...versions].sort();
  }

  /** The operation with this id, as the given API version describes it. */
  operation(operationId: string, apiVersion = DEFAULT_API_VERSION): Operation | undefined {
    for (const route of this.operations) {
      for (const operation of route.byMethod.values()) {
        if (operation.operationId === operationId) return atVersion(operation, apiVersion);
      }
    }
    return undefined;
  }

  /** A named example of the components (`workflow-run`, `job-paginated`…): the value GitHub's docs show. */
  example(name: string): unknown {
    const examples = ((this.document.components as Json).examples ?? {}) as Record<string, { value?: unknown }>;
    const value = examples[name]?.value;
    if (value === undefined) throw new Error(`The ${this.name} description has no example "${name}".`);
    return structuredClone(value);
  }

  /** Everything wrong with a request, against the operation its method and path name. */
  checkRequest(request: {
    method: string;
    url: URL;
    headers: Record<string, string | string[] | undefined>;
    body: Buffer;
  }): CheckedRequest {
    const problems: string[] = [];
    const header = (name: string) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    };
    const apiVersion = header('x-github-api-version') ?? DEFAULT_API_VERSION;
    const checked: CheckedRequest = { pathParams: {}, query: {}, body: undefined, apiVersion, problems };
    const route = this.operations.find((candidate) => candidate.pattern.test(request.url.pathname));
    if (!route) {
      problems.push(`No operation of the ${this.name} description has the path ${request.url.pathname}.`);
      return checked;
    }
    const found = route.byMethod.get(request.method.toUpperCase());
    if (!found) {
      problems.push(
        `${request.url.pathname} has no ${request.method} operation (it has ${[...route.byMethod.keys()].join(', ')}).`,
      );
      return checked;
    }
    if (!this.apiVersions.includes(apiVersion)) {
      problems.push(
        `X-GitHub-Api-Version ${apiVersion} is not one the ${this.name} description documents (${this.apiVersions.join(', ')}).`,
      );
    }
    const operation = atVersion(found, apiVersion);
    checked.operation = operation;
    const authorization = header('authorization');
    if (!authorization) problems.push('The Authorization header is missing.');
    else if (!/^(token|bearer) \S+$/i.test(authorization))
      problems.push('The Authorization header is not "Bearer <token>" or "token <token>".');
    const accept = header('accept');
    if (accept && !accept.split(',').some((type) => JSON_TYPES.includes(type.split(';')[0].trim().toLowerCase()))) {
      problems.push(`Accept ${accept} is not a JSON media type GitHub serves (application/vnd.github+json).`);
    }
    const values = route.pattern.exec(request.url.pathname)!.slice(1).map(decodeURIComponent);
    route.names.forEach((name, index) => {
      const parameter = operation.parameters.find((p) => p.in === 'path' && p.name === name);
      const value = this.checkParameter(parameter, name, values[index], 'path', problems);
      if (value !== undefined) checked.pathParams[name] = value as string | number;
    });
    for (const key of new Set(request.url.searchParams.keys())) {
      const parameter = operation.parameters.find((p) => p.in === 'query' && p.name === key);
      if (!parameter) {
        problems.push(`The query parameter "${key}" is not documented for ${operation.operationId}.`);
        continue;
      }
      const value = this.checkParameter(parameter, key, request.url.searchParams.get(key)!, 'query', problems);
      if (value !== undefined) checked.query[key] = value as string | number | boolean;
    }
    for (const parameter of operation.parameters) {
      if (parameter.in === 'query' && parameter.required && !request.url.searchParams.has(parameter.name)) {
        problems.push(`The required query parameter "${parameter.name}" is missing.`);
      }
    }
    checked.body = this.checkBody(operation, apiVersion, request.body, header('content-type'), problems);
    return checked;
  }

  /** Everything wrong with a response the double is about to send, against the documented ones. */
  checkResponse(operation: Operation, status: number, body: unknown): string[] {
    const documented = operation.responses[String(status)];
    if (!documented) {
      // GitHub documents its success answers fully; error statuses beyond the listed ones are common (401, 500).
      return status < 400 ? [`${operation.operationId} does not document status ${status}.`] : [];
    }
    const schema = documented.content?.['application/json']?.schema;
    if (!schema)
      return body === undefined || body === '' ? [] : [`${operation.operationId} documents no body for ${status}.`];
    return this.validate(`response:${operation.operationId}:${status}`, schema, body).map(
      (problem) => `response ${status}: ${problem}`,
    );
  }

  /** The problems of a value against an OpenAPI schema of this description. */
  validate(key: string, schema: Json, value: unknown): string[] {
    let validator = this.compiled.get(key);
    if (!validator) {
      validator = this.ajv.compile(toJsonSchema(schema));
      this.compiled.set(key, validator);
    }
    return validator(value) ? [] : describeErrors(validator.errors ?? []);
  }

  private checkParameter(
    parameter: Parameter | undefined,
    name: string,
    raw: string,
    where: 'path' | 'query',
    problems: string[],
  ): unknown {
    if (!parameter) {
      problems.push(`The ${where} parameter "${name}" is not documented.`);
      return undefined;
    }
    const schema = parameter.schema ?? {};
    if (schema.format === 'date-time' && /search syntax/i.test(parameter.description ?? '')) {
      // The description types it as one date-time; its text points at the search syntax, which takes ranges.
      if (!parseDateRange(raw)) {
        problems.push(
          `The ${where} parameter "${name}" (${JSON.stringify(raw)}) is not a date or date range of GitHub's search syntax.`,
        );
      }
      return raw;
    }
    const value = coerce(raw, schema);
    const found = this.validate(`parameter:${where}:${name}:${JSON.stringify(schema)}`, schema, value);
    for (const problem of found)
      problems.push(`The ${where} parameter "${name}" (${JSON.stringify(raw)}) ${problem.replace(/^\(value\) /, '')}`);
    return value;
  }

  private checkBody(
    operation: Operation,
    apiVersion: string,
    raw: Buffer,
    contentType: string | undefined,
    problems: string[],
  ): unknown {
    const content = operation.requestBody?.content?.['application/json'];
    if (raw.length === 0) {
      if (operation.requestBody?.required) problems.push(`${operation.operationId} requires a JSON body.`);
      return undefined;
    }
    if (!operation.requestBody) {
      problems.push(`${operation.operationId} takes no request body.`);
      return undefined;
    }
    if (!contentType || !/^application\/json\b/i.test(contentType)) {
      problems.push(`The body must be sent as application/json, not ${contentType ?? 'without a Content-Type'}.`);
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      problems.push('The body is not JSON.');
      return undefined;
    }
    if (content?.schema) {
      for (const problem of this.validate(`body:${operation.operationId}:${apiVersion}`, content.schema, body)) {
        problems.push(`body: ${problem}`);
      }
    }
    return body;
  }

  private resolve(value: Json): Json {
    const ref = value.$ref;
    if (typeof ref !== 'string') return value;
    let target: unknown = this.document;
    for (const part of ref.replace(/^#\//, '').split('/'))
      target = (target as Json)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (!target) throw new Error(`The description has no ${ref}.`);
    return this.resolve(target as Json);
  }
}

const loaded = new Map<DescriptionName, GitHubDescription>();

/** Reads one of the package's descriptions (not its index, which would parse every one of them). */
export function loadDescription(name: DescriptionName = 'api.github.com'): GitHubDescription {
  let description = loaded.get(name);
  if (!description) {
    const file = require.resolve(`@octokit/openapi/generated/${name}.json`);
    description = new GitHubDescription(name, JSON.parse(readFileSync(file, 'utf8')) as Json);
    loaded.set(name, description);
  }
  return description;
}

/** The operation as an API version describes it: the description's breaking changes up to that version applied. */
function atVersion(operation: Operation, apiVersion: string): Operation {
  const changes = operation.breakingChanges.filter((change) => change.version <= apiVersion);
  if (changes.length === 0) return operation;
  const patched = structuredClone(operation) as unknown as Json;
  for (const change of changes) {
    for (const step of change.patch) applyPatch(patched, step);
  }
  return { ...(patched as unknown as Operation), breakingChanges: [] };
}

function applyPatch(target: Json, step: { op: string; path: string; value?: unknown }): void {
  const parts = step.path
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = parts.pop()!;
  let parent: Json = target;
  for (const part of parts) {
    if (typeof parent[part] !== 'object' || parent[part] === null) return;
    parent = parent[part] as Json;
  }
  if (step.op === 'remove') delete parent[last];
  else if (step.op === 'replace' || step.op === 'add') parent[last] = step.value;
}

/** An OpenAPI 3.0 schema as JSON Schema (draft-07) for ajv. */
export function toJsonSchema(schema: unknown): Json {
  if (typeof schema !== 'object' || schema === null) return schema as Json;
  const source = schema as Json;
  if (typeof source.$ref === 'string') {
    const converted: Json = {
      $ref: source.$ref.replace(/^#\/components\/schemas\//, `${COMPONENTS_ID}#/definitions/`),
    };
    return source.nullable === true ? { anyOf: [converted, { type: 'null' }] } : converted;
  }
  const out: Json = {};
  for (const [key, value] of Object.entries(source)) {
    if (
      key === 'nullable' ||
      key === 'example' ||
      key === 'examples' ||
      key === 'discriminator' ||
      key.startsWith('x-')
    )
      continue;
    if (key === 'properties' || key === 'patternProperties') {
      out[key] = Object.fromEntries(
        Object.entries(value as Json).map(([name, member]) => [name, toJsonSchema(member)]),
      );
    } else if (key === 'items' || key === 'additionalProperties' || key === 'not') {
      out[key] = typeof value === 'boolean' ? value : toJsonSchema(value);
    } else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') {
      out[key] = (value as unknown[]).map(toJsonSchema);
    } else {
      out[key] = value;
    }
  }
  // OpenAPI 3.0's boolean exclusive bounds are draft-07's numeric ones.
  for (const [flag, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (out[flag] === true) {
      out[flag] = out[bound];
      delete out[bound];
    } else if (out[flag] === false) delete out[flag];
  }
  if (source.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    if (!out.type && !out.enum) return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

const SEARCH_DATE = /^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d)?(\.\d+)?(Z|[+-]\d\d:\d\d)?)?$/;

/**
 * A date qualifier of GitHub's search syntax (`>=2025-01-01T10:00:00Z`, `2025-01-01..2025-02-01`,
 * `2025-01-01..*`) as the range it means, in milliseconds; undefined when it is not one.
 */
export function parseDateRange(
  text: string,
): { from: number; to: number; fromInclusive: boolean; toInclusive: boolean } | undefined {
  const time = (date: string) => (SEARCH_DATE.test(date) ? Date.parse(date) : Number.NaN);
  const range = /^(.+)\.\.(.+)$/.exec(text);
  if (range) {
    const from = range[1] === '*' ? -Infinity : time(range[1]);
    const to = range[2] === '*' ? Infinity : time(range[2]);
    return Number.isNaN(from) || Number.isNaN(to) ? undefined : { from, to, fromInclusive: true, toInclusive: true };
  }
  const qualified = /^(>=|<=|>|<)?(.+)$/.exec(text)!;
  const at = time(qualified[2]);
  if (Number.isNaN(at)) return undefined;
  switch (qualified[1]) {
    case '>=':
      return { from: at, to: Infinity, fromInclusive: true, toInclusive: true };
    case '>':
      return { from: at, to: Infinity, fromInclusive: false, toInclusive: true };
    case '<=':
      return { from: -Infinity, to: at, fromInclusive: true, toInclusive: true };
    case '<':
      return { from: -Infinity, to: at, fromInclusive: true, toInclusive: false };
    default:
      // A bare date is that whole day (or that exact instant, for a date-time).
      return {
        from: at,
        to: qualified[2].length === 10 ? at + 86_400_000 : at,
        fromInclusive: true,
        toInclusive: qualified[2].length !== 10,
      };
  }
}

/** A path or query string as the value its schema describes. */
function coerce(raw: string, schema: Json): unknown {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'integer' || type === 'number') return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  if (type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  return raw;
}

function describeErrors(errors: ErrorObject[]): string[] {
  return errors
    .filter((error) => error.keyword !== 'anyOf' && error.keyword !== 'oneOf' && error.keyword !== 'if')
    .map((error) => {
      const where = error.instancePath || '(value)';
      if (error.keyword === 'additionalProperties') {
        return `${where} has a property it does not allow: ${(error.params as { additionalProperty: string }).additionalProperty}`;
      }
      if (error.keyword === 'required')
        return `${where} lacks the required property ${(error.params as { missingProperty: string }).missingProperty}`;
      if (error.keyword === 'enum')
        return `${where} must be one of ${JSON.stringify((error.params as { allowedValues: unknown[] }).allowedValues)}`;
      return `${where} ${error.message ?? 'is not valid'}`;
    });
}
