/**
 * An Azure DevOps REST API double for what the outer loop uses, over loopback HTTPS, following the documented
 * shapes: how a client finds its way (the resource locations of an area, answered to `OPTIONS _apis/{area}`,
 * and Resource Areas - List and Get of the Location area), then the Pipelines endpoints (Pipelines - Get,
 * Runs - Run Pipeline, Runs - Get, Runs - List). Every resource checks the api-version (query or Accept header)
 * against the versions its location announces, and every request needs Basic (PAT) or Bearer credentials; a
 * request that breaks the documented contract is answered 400 the way Azure DevOps words it, and recorded.
 */
import { randomUUID } from 'node:crypto';
import {
  FaultQueue,
  parseFault,
  startLoopbackHttps,
  type DoubleRequest,
  type DoubleResponse,
  type Violation,
} from '../shared';

export interface AzureDevOpsPipelineSeed {
  id: number;
  name: string;
  folder?: string;
  /** The YAML file of the pipeline. */
  path?: string;
  /** The template parameters its YAML declares; any other is refused, as the service refuses it. */
  parameters?: string[];
  branches?: string[];
}

export interface AzureDevOpsDoubleOptions {
  organization: string;
  project: string;
  /** Personal access tokens (sent as Basic) and Entra ID tokens (sent as Bearer) it accepts. */
  tokens: string[];
  pipelines: AzureDevOpsPipelineSeed[];
  /** Reads of a run (GET) before it completes; Infinity leaves that to completeRun(). */
  readsBeforeCompletion?: number;
  port?: number;
  /** Where the emulator keeps its certificate, when clients trust that one rather than `.emulator/`'s. */
  certificateDir?: string;
  /**
   * false answers Resource Areas - List as an Azure DevOps Server collection does, with no areas (every area
   * is then at the collection's own URL); true (the default) lists the areas at the organization's URL, as
   * Azure DevOps Services does.
   */
  listsResourceAreas?: boolean;
}

export type RunResult = 'succeeded' | 'failed' | 'canceled';

export interface DoubleRequestRecord {
  method: string;
  path: string;
  route?: string;
  /** The api-version of the query or the Accept header. */
  apiVersion?: string;
  /** Basic or Bearer; the credentials themselves are never kept. */
  scheme?: string;
}

export interface AzureDevOpsRunView {
  id: number;
  pipelineId: number;
  state: 'inProgress' | 'canceling' | 'completed';
  result?: RunResult;
  refName: string;
  templateParameters: Record<string, string>;
}

export interface AzureDevOpsDouble {
  /** What a client configures as its organization URL. */
  organizationUrl: string;
  violations: Violation[];
  /** Every request: the route it was taken for, the api-version it asked for and its credentials' scheme. */
  requests: DoubleRequestRecord[];
  /**
   * Faults per route: `locations` (OPTIONS of an area), `resourceAreas/list`, `resourceAreas/get`,
   * `pipelines/get`, `runs/run`, `runs/get`, `runs/list`.
   */
  faults: FaultQueue;
  setResult(pipelineId: number, result: RunResult): void;
  completeRun(runId: number, result: RunResult): void;
  runs(): AzureDevOpsRunView[];
  stop(): Promise<void>;
}

/** A resource location as `OPTIONS _apis/{area}` answers it (ApiResourceLocation). */
export interface ResourceLocation {
  id: string;
  area: string;
  resourceName: string;
  routeTemplate: string;
  resourceVersion: number;
  minVersion: string;
  maxVersion: string;
  releasedVersion: string;
}

/**
 * The locations of the areas the double serves, keyed by area in lower case (the service matches area names
 * without regard to case). Resource Areas has only ever been a preview (released 0.0); the Pipelines
 * resources were previews from 5.1 and released in 7.1, and 7.2 is a preview.
 */
export const RESOURCE_LOCATIONS: Record<string, ResourceLocation[]> = {
  location: [
    {
      id: 'e81700f7-3be2-46de-8624-2eb35882fcaa',
      area: 'Location',
      resourceName: 'ResourceAreas',
      routeTemplate: '_apis/{resource}/{areaId}',
      resourceVersion: 1,
      minVersion: '3.2',
      maxVersion: '7.2',
      releasedVersion: '0.0',
    },
  ],
  pipelines: [
    {
      id: '28e1305e-2afe-47bf-abaf-cbb0e6a91988',
      area: 'pipelines',
      resourceName: 'pipelines',
      routeTemplate: '{project}/_apis/pipelines/{pipelineId}',
      resourceVersion: 1,
      minVersion: '5.1',
      maxVersion: '7.2',
      releasedVersion: '7.1',
    },
    {
      id: '7859261e-d2e9-4a68-b820-a5d84cc5bb3d',
      area: 'pipelines',
      resourceName: 'runs',
      routeTemplate: '{project}/_apis/pipelines/{pipelineId}/runs/{runId}',
      resourceVersion: 1,
      minVersion: '5.1',
      maxVersion: '7.2',
      releasedVersion: '7.1',
    },
  ],
};
const LOCATION_BY_ID = new Map(
  Object.values(RESOURCE_LOCATIONS)
    .flat()
    .map((location) => [location.id, location]),
);

/**
 * Resource areas of an organization on Azure DevOps Services, by their documented fixed ids: those served at
 * the organization's own URL that a client of the Pipelines API may look up (client libraries have looked
 * Pipelines up under other areas' ids, and all of these lead to the same host).
 */
export const RESOURCE_AREAS: { id: string; name: string }[] = [
  { id: '5d6898bb-45ec-463f-95f9-54d49c71752e', name: 'build' },
  { id: '79134c72-4a58-4b42-976c-04e7115f32bf', name: 'core' },
  { id: 'a85b8835-c1a1-4aac-ae97-1c3d0ba72dbd', name: 'distributedtask' },
  { id: '4e080c62-fa21-4fbc-8fef-2a10a2b38049', name: 'git' },
  { id: '2e0bf237-8973-4ec9-a581-9c3d679d1776', name: 'pipelines' },
  { id: '5264459e-e5e0-4bd8-b118-0985e68a4ec5', name: 'wit' },
];
const RUN_PARAMETER_KEYS = [
  'previewRun',
  'resources',
  'stagesToSkip',
  'templateParameters',
  'variables',
  'yamlOverride',
];

interface Run extends AzureDevOpsRunView {
  name: string;
  createdDate: Date;
  finishedDate?: Date;
  reads: number;
  plannedResult: RunResult;
}

interface Route {
  name: string;
  method: string;
  /** Whether the pattern applies to the path after the organization or after its project. */
  scope: 'organization' | 'project';
  pattern: RegExp;
  /** The resource location whose versions the request's api-version must fit; none for OPTIONS. */
  locationId?: string;
}

const ROUTES: Route[] = [
  { name: 'locations', method: 'OPTIONS', scope: 'organization', pattern: /^\/_apis\/([^/]+)$/ },
  {
    name: 'resourceAreas/list',
    method: 'GET',
    scope: 'organization',
    pattern: /^\/_apis\/resourceAreas$/i,
    locationId: 'e81700f7-3be2-46de-8624-2eb35882fcaa',
  },
  {
    name: 'resourceAreas/get',
    method: 'GET',
    scope: 'organization',
    pattern: /^\/_apis\/resourceAreas\/([0-9a-f-]{36})$/i,
    locationId: 'e81700f7-3be2-46de-8624-2eb35882fcaa',
  },
  {
    name: 'pipelines/get',
    method: 'GET',
    scope: 'project',
    pattern: /^\/_apis\/pipelines\/(\d+)$/,
    locationId: '28e1305e-2afe-47bf-abaf-cbb0e6a91988',
  },
  {
    name: 'runs/run',
    method: 'POST',
    scope: 'project',
    pattern: /^\/_apis\/pipelines\/(\d+)\/runs$/,
    locationId: '7859261e-d2e9-4a68-b820-a5d84cc5bb3d',
  },
  {
    name: 'runs/list',
    method: 'GET',
    scope: 'project',
    pattern: /^\/_apis\/pipelines\/(\d+)\/runs$/,
    locationId: '7859261e-d2e9-4a68-b820-a5d84cc5bb3d',
  },
  {
    name: 'runs/get',
    method: 'GET',
    scope: 'project',
    pattern: /^\/_apis\/pipelines\/(\d+)\/runs\/(\d+)$/,
    locationId: '7859261e-d2e9-4a68-b820-a5d84cc5bb3d',
  },
];

export async function startAzureDevOpsDouble(options: AzureDevOpsDoubleOptions): Promise<AzureDevOpsDouble> {
  const readsBeforeCompletion = options.readsBeforeCompletion ?? 2;
  const projectId = randomUUID();
  const repositoryId = randomUUID();
  const results = new Map<number, RunResult>();
  const runs: Run[] = [];
  let nextRunId = 501;
  const violations: Violation[] = [];
  const requests: AzureDevOpsDouble['requests'] = [];
  const faults = new FaultQueue();
  let origin = '';

  const organizationUrl = () => `${origin}/${options.organization}`;
  const projectUrl = () => `${organizationUrl()}/${encodeURIComponent(options.project)}`;

  function pipelineRef(pipeline: AzureDevOpsPipelineSeed): Record<string, unknown> {
    return {
      url: `${organizationUrl()}/${projectId}/_apis/pipelines/${pipeline.id}?revision=1`,
      id: pipeline.id,
      revision: 1,
      name: pipeline.name,
      folder: pipeline.folder ?? '\\',
    };
  }

  function pipelineBody(pipeline: AzureDevOpsPipelineSeed): Record<string, unknown> {
    return {
      _links: {
        self: { href: `${organizationUrl()}/${projectId}/_apis/pipelines/${pipeline.id}?revision=1` },
        web: { href: `${projectUrl()}/_build/definition?definitionId=${pipeline.id}` },
      },
      configuration: {
        path: pipeline.path ?? 'azure-pipelines.yml',
        repository: { id: repositoryId, type: 'azureReposGit' },
        type: 'yaml',
      },
      ...pipelineRef(pipeline),
    };
  }

  function runBody(run: Run): Record<string, unknown> {
    const pipeline = options.pipelines.find((candidate) => candidate.id === run.pipelineId)!;
    const self = `${organizationUrl()}/${projectId}/_apis/pipelines/${pipeline.id}/runs/${run.id}`;
    return {
      _links: {
        self: { href: self },
        web: { href: `${projectUrl()}/_build/results?buildId=${run.id}` },
        'pipeline.web': { href: `${projectUrl()}/_build/definition?definitionId=${pipeline.id}` },
        pipeline: { href: `${organizationUrl()}/${projectId}/_apis/pipelines/${pipeline.id}?revision=1` },
      },
      templateParameters: run.templateParameters,
      pipeline: pipelineRef(pipeline),
      state: run.state,
      ...(run.result ? { result: run.result } : {}),
      createdDate: run.createdDate.toISOString(),
      ...(run.finishedDate ? { finishedDate: run.finishedDate.toISOString() } : {}),
      url: self,
      resources: {
        repositories: {
          self: {
            repository: { id: repositoryId, type: 'azureReposGit' },
            refName: run.refName,
            version: 'f4d1e0c2a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4',
          },
        },
      },
      id: run.id,
      name: run.name,
    };
  }

  function finish(run: Run, result: RunResult): void {
    run.state = 'completed';
    run.result = result;
    run.finishedDate = new Date();
  }

  /** How a client finds its way: the locations of an area, and where each resource area is served. */
  function serveDiscovery(route: Route, match: RegExpExecArray): DoubleResponse {
    const areaUrl = `${organizationUrl()}/`;
    switch (route.name) {
      case 'locations': {
        const value = RESOURCE_LOCATIONS[decodeURIComponent(match[1]).toLowerCase()];
        return { status: 200, body: { count: value.length, value } };
      }
      case 'resourceAreas/list':
        // Azure DevOps Server's collections list none, and not as an empty array.
        if (options.listsResourceAreas === false) return { status: 200, body: { count: 0, value: null } };
        return {
          status: 200,
          body: {
            count: RESOURCE_AREAS.length,
            value: RESOURCE_AREAS.map((area) => ({ ...area, locationUrl: areaUrl })),
          },
        };
      default: {
        const area = RESOURCE_AREAS.find((candidate) => candidate.id === match[1].toLowerCase());
        if (!area || options.listsResourceAreas === false) {
          return adoError(404, 'ResourceAreaNotFoundException', `The resource area ${match[1]} was not found.`);
        }
        return { status: 200, body: { ...area, locationUrl: areaUrl } };
      }
    }
  }

  function serve(route: Route, match: RegExpExecArray, body: unknown): DoubleResponse {
    if (route.scope === 'organization') return serveDiscovery(route, match);
    const pipeline = options.pipelines.find((candidate) => candidate.id === Number(match[1]));
    if (!pipeline) {
      return adoError(404, 'PipelineNotFoundException', `Pipeline with ID ${match[1]} was not found.`);
    }
    switch (route.name) {
      case 'pipelines/get':
        return { status: 200, body: pipelineBody(pipeline) };
      case 'runs/list': {
        const value = runs
          .filter((run) => run.pipelineId === pipeline.id)
          .sort((a, b) => b.id - a.id)
          .map(runBody);
        return { status: 200, body: { count: value.length, value } };
      }
      case 'runs/get': {
        const run = runs.find((candidate) => candidate.id === Number(match[2]) && candidate.pipelineId === pipeline.id);
        if (!run)
          return adoError(
            404,
            'PipelineRunNotFoundException',
            `Pipeline run ${match[2]} for pipeline ${pipeline.id} was not found.`,
          );
        if (run.state !== 'completed' && ++run.reads >= readsBeforeCompletion) finish(run, run.plannedResult);
        return { status: 200, body: runBody(run) };
      }
      default: {
        const parameters = (body ?? {}) as {
          resources?: { repositories?: { self?: { refName?: string } } };
          templateParameters?: Record<string, string>;
        };
        const refName = parameters.resources?.repositories?.self?.refName ?? 'refs/heads/main';
        const branches = pipeline.branches ?? ['main'];
        if (!branches.includes(refName.replace(/^refs\/heads\//, ''))) {
          return adoError(
            400,
            'PipelineValidationException',
            `Unable to resolve the reference '${refName}' to a specific version. Verify the reference exists in the source repository.`,
          );
        }
        const templateParameters = parameters.templateParameters ?? {};
        const unexpected = Object.keys(templateParameters).find((key) => !(pipeline.parameters ?? []).includes(key));
        if (unexpected) return adoError(400, 'PipelineValidationException', `Unexpected parameter '${unexpected}'`);
        const run: Run = {
          id: nextRunId++,
          pipelineId: pipeline.id,
          state: 'inProgress',
          refName,
          templateParameters,
          name: `${new Date().toISOString().slice(0, 10).replace(/-/g, '')}.${runs.filter((other) => other.pipelineId === pipeline.id).length + 1}`,
          createdDate: new Date(),
          reads: 0,
          plannedResult: results.get(pipeline.id) ?? 'succeeded',
        };
        runs.push(run);
        return { status: 200, body: runBody(run) };
      }
    }
  }

  async function handle(request: DoubleRequest): Promise<DoubleResponse | undefined> {
    const path = request.url.pathname;
    if (path.startsWith('/_double/')) return admin(request);
    const prefix = `/${options.organization}/`;
    const organizationPath = path.startsWith(prefix) ? path.slice(prefix.length - 1) : undefined;
    const projectPrefix = `/${encodeURIComponent(options.project)}/`;
    const projectPath = organizationPath?.startsWith(projectPrefix)
      ? organizationPath.slice(projectPrefix.length - 1)
      : undefined;
    const route = ROUTES.find(
      (candidate) =>
        candidate.method === request.method &&
        candidate.pattern.test((candidate.scope === 'organization' ? organizationPath : projectPath) ?? ''),
    );
    const apiVersion = apiVersionOf(request);
    const scheme = /^(Basic|Bearer) /i.exec(String(request.headers.authorization ?? ''))?.[1];
    requests.push({ method: request.method, path, route: route?.name, apiVersion, scheme });
    const refuse = (problems: string[], response: DoubleResponse): DoubleResponse => {
      violations.push({ method: request.method, path, operation: route?.name, problems });
      return response;
    };
    if (organizationPath === undefined) {
      return refuse(
        [`No organization ${path.split('/')[1]}.`],
        adoError(404, 'HostNotFoundException', `The organization for ${path} was not found.`),
      );
    }
    if (!route && projectPath === undefined && !organizationPath.startsWith('/_apis/')) {
      return refuse(
        [`No project in ${path}.`],
        adoError(
          404,
          'ProjectDoesNotExistWithNameException',
          `TF200016: The following project does not exist: ${decodeURIComponent(organizationPath.split('/')[1] ?? '')}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server.`,
        ),
      );
    }
    if (!route) {
      return refuse(
        [`No documented ${request.method} ${organizationPath} among the endpoints the double serves.`],
        adoError(
          400,
          'RouteNotFoundException',
          `The requested resource ${request.method} ${organizationPath} does not exist.`,
        ),
      );
    }
    const match = route.pattern.exec((route.scope === 'organization' ? organizationPath : projectPath)!)!;
    if (route.name === 'locations' && !RESOURCE_LOCATIONS[decodeURIComponent(match[1]).toLowerCase()]) {
      return refuse(
        [`The double serves no area ${match[1]}.`],
        adoError(404, 'ResourceAreaNotFoundException', `The area ${match[1]} was not found.`),
      );
    }
    const location = route.locationId ? LOCATION_BY_ID.get(route.locationId) : undefined;
    const versionProblem = location ? checkApiVersion(request, location) : undefined;
    if (versionProblem) return refuse([versionProblem.body.message], { status: 400, body: versionProblem.body });
    const credentials = credentialsOf(String(request.headers.authorization ?? ''));
    if (!credentials) {
      return refuse(['The Authorization header is missing or is neither Basic nor Bearer.'], signInResponse(request));
    }
    let body: unknown;
    if (route.method === 'POST') {
      const problems = checkRunParameters(request);
      if (problems.length > 0) return refuse(problems, adoError(400, 'InvalidRequestException', problems.join(' ')));
      body = JSON.parse(request.body.toString('utf8') || '{}');
    } else if (request.body.length > 0) {
      return refuse(
        [`${route.name} takes no body.`],
        adoError(400, 'InvalidRequestException', 'This request takes no body.'),
      );
    }
    const fault = faults.take(route.name);
    if (fault?.kind === 'reset') return undefined;
    if (fault) {
      const words: Record<number, [string, string]> = {
        401: ['UnauthorizedRequestException', "TF400813: The user '' is not authorized to access this resource."],
        403: ['AccessCheckException', 'Access denied. The user needs Queue builds permissions for this pipeline.'],
        404: ['PipelineNotFoundException', 'Pipeline was not found.'],
        500: ['InternalServerErrorException', 'An unexpected error occurred.'],
      };
      const [typeKey, message] = words[fault.status] ?? ['InvalidRequestException', 'The request failed.'];
      return { ...adoError(fault.status, typeKey, fault.message ?? message), headers: fault.headers };
    }
    if (!options.tokens.includes(credentials)) {
      return request.headers['x-tfs-fedauthredirect'] === 'Suppress'
        ? adoError(
            401,
            'UnauthorizedRequestException',
            "TF400813: The user '' is not authorized to access this resource.",
          )
        : signInResponse(request);
    }
    return serve(route, match, body);
  }

  function admin(request: DoubleRequest): DoubleResponse {
    const path = request.url.pathname;
    const json = () => JSON.parse(request.body.toString('utf8') || '{}') as Record<string, unknown>;
    try {
      if (path === '/_double/violations' && request.method === 'GET') return { status: 200, body: { violations } };
      if (path === '/_double/runs' && request.method === 'GET') return { status: 200, body: { runs: views() } };
      if (path === '/_double/faults' && request.method === 'POST') {
        const { route, fault } = json();
        faults.add(String(route), parseFault(fault));
        return { status: 201, body: faults.pending() };
      }
      if (path === '/_double/faults' && request.method === 'DELETE') {
        faults.clear();
        return { status: 204 };
      }
      const complete = /^\/_double\/runs\/(\d+)\/complete$/.exec(path);
      if (complete && request.method === 'POST') {
        completeRun(Number(complete[1]), String(json().result ?? 'succeeded') as RunResult);
        return { status: 204 };
      }
    } catch (error) {
      return { status: 400, body: { message: (error as Error).message } };
    }
    return { status: 404, body: { message: `No admin route ${request.method} ${path}.` } };
  }

  function completeRun(runId: number, result: RunResult): void {
    const run = runs.find((candidate) => candidate.id === runId);
    if (!run) throw new Error(`No run ${runId}.`);
    finish(run, result);
  }

  const views = (): AzureDevOpsRunView[] =>
    runs.map(({ id, pipelineId, state, result, refName, templateParameters }) => ({
      id,
      pipelineId,
      state,
      result,
      refName,
      templateParameters,
    }));

  const server = await startLoopbackHttps(handle, options.port, options.certificateDir);
  origin = server.origin;
  return {
    organizationUrl: organizationUrl(),
    violations,
    requests,
    faults,
    setResult: (pipelineId, result) => results.set(pipelineId, result),
    completeRun,
    runs: views,
    stop: () => server.stop(),
  };
}

/** Azure DevOps' error body (a serialized VssServiceException). */
function adoError(status: number, typeKey: string, message: string): DoubleResponse & { body: { message: string } } {
  const body = {
    $id: '1',
    innerException: null,
    message,
    typeName: `Microsoft.TeamFoundation.Framework.Server.${typeKey}, Microsoft.TeamFoundation.Framework.Server`,
    typeKey,
    errorCode: 0,
    eventId: 3000,
  };
  return { status, body };
}

/** Without `X-TFS-FedAuthRedirect: Suppress`, a browser-style sign-in page answers in place of the data. */
function signInResponse(request: DoubleRequest): DoubleResponse {
  if (request.headers['x-tfs-fedauthredirect'] === 'Suppress') {
    return adoError(
      401,
      'UnauthorizedRequestException',
      "TF400813: The user '' is not authorized to access this resource.",
    );
  }
  return {
    status: 203,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: '<html><head><title>Azure DevOps Services | Sign In</title></head><body></body></html>',
  };
}

/** The api-version of the query, else of the Accept header (`application/json;api-version=7.1`). */
function apiVersionOf(request: DoubleRequest): string | undefined {
  const fromAccept = /api-version=([\w.-]+)/.exec(String(request.headers.accept ?? ''))?.[1];
  return request.url.searchParams.get('api-version') ?? fromAccept;
}

/** "7.1" as [7, 1], to compare versions by number. */
function versionNumbers(version: string): [number, number] {
  const [major, minor] = version.split('.').map(Number);
  return [major, minor ?? 0];
}

function compareVersions(a: string, b: string): number {
  const [left, right] = [versionNumbers(a), versionNumbers(b)];
  return left[0] - right[0] || left[1] - right[1];
}

/**
 * The api-version checked as Azure DevOps checks it against the resource's location: within its minimum and
 * maximum versions, and marked -preview when above its released version.
 */
function checkApiVersion(
  request: DoubleRequest,
  location: ResourceLocation,
): (DoubleResponse & { body: { message: string } }) | undefined {
  const version = apiVersionOf(request);
  if (!version) {
    return adoError(
      400,
      'VssVersionNotSpecifiedException',
      `No api-version was supplied for the "${request.method}" request. The version must be supplied either as part of the Accept header (e.g. "application/json; api-version=1.0") or as a query parameter (e.g. "?api-version=1.0").`,
    );
  }
  const parsed = /^(\d+\.\d+)(-preview(\.\d+)?)?$/.exec(version);
  if (
    !parsed ||
    compareVersions(parsed[1], location.minVersion) < 0 ||
    compareVersions(parsed[1], location.maxVersion) > 0
  ) {
    return adoError(
      400,
      'VssVersionOutOfRangeException',
      `The requested REST API version of ${version} is out of range for this server. The latest REST API version for this server is ${location.maxVersion}.`,
    );
  }
  if (!parsed[2] && compareVersions(parsed[1], location.releasedVersion) > 0) {
    return adoError(
      400,
      'VssInvalidPreviewVersionException',
      `The requested version "${version}" of the resource is under preview. The -preview flag must be supplied in the api-version for such requests. For example: "${version}-preview"`,
    );
  }
  return undefined;
}

/** The PAT of Basic credentials (any user name, as the service ignores it) or the Bearer token. */
function credentialsOf(authorization: string): string | undefined {
  const basic = /^Basic (\S+)$/i.exec(authorization);
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    return separator >= 0 && decoded.length > separator + 1 ? decoded.slice(separator + 1) : undefined;
  }
  return /^Bearer (\S+)$/i.exec(authorization)?.[1];
}

/** The body of Runs - Run Pipeline against the documented RunPipelineParameters. */
function checkRunParameters(request: DoubleRequest): string[] {
  if (!/^application\/json\b/i.test(String(request.headers['content-type'] ?? ''))) {
    return ['Runs - Run Pipeline takes an application/json body.'];
  }
  let body: unknown;
  try {
    body = JSON.parse(request.body.toString('utf8'));
  } catch {
    return ['The body is not JSON.'];
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return ['The body must be a RunPipelineParameters object.'];
  const problems: string[] = [];
  const parameters = body as Record<string, unknown>;
  for (const key of Object.keys(parameters)) {
    if (!RUN_PARAMETER_KEYS.includes(key)) problems.push(`RunPipelineParameters has no member "${key}".`);
  }
  const template = parameters.templateParameters;
  if (template !== undefined) {
    if (typeof template !== 'object' || template === null || Array.isArray(template))
      problems.push('templateParameters must be an object of strings.');
    else
      for (const [key, value] of Object.entries(template))
        if (typeof value !== 'string') problems.push(`templateParameters.${key} must be a string.`);
  }
  const resources = parameters.resources as { repositories?: Record<string, { refName?: unknown }> } | undefined;
  for (const [name, repository] of Object.entries(resources?.repositories ?? {})) {
    if (
      repository.refName !== undefined &&
      (typeof repository.refName !== 'string' || !repository.refName.startsWith('refs/'))
    ) {
      problems.push(`resources.repositories.${name}.refName must be a full ref (refs/heads/…).`);
    }
  }
  if (parameters.previewRun !== undefined && typeof parameters.previewRun !== 'boolean')
    problems.push('previewRun must be a boolean.');
  return problems;
}
