/**
 * A GitHub REST API double for the outer loop's endpoints (workflow and repository dispatches, workflow
 * runs and their jobs), served over loopback HTTPS. Every request is checked against GitHub's published
 * OpenAPI description first: one that does not match is answered 400 with what was wrong and recorded,
 * and tests assert that none was. Dispatches start runs that move queued → in_progress → completed as
 * they are read; bodies are the description's own examples with this double's values filled in, and
 * every response is checked against the documented schema too (a mismatch is the double's bug, recorded
 * in `responseProblems`).
 */
import { createHash } from 'node:crypto';
import {
  FaultQueue,
  parseFault,
  startLoopbackHttps,
  type DoubleRequest,
  type DoubleResponse,
  type Violation,
} from '../shared';
import { loadDescription, parseDateRange, type DescriptionName, type Operation } from './description';

export interface GitHubWorkflowSeed {
  /** File name under .github/workflows/. */
  file: string;
  name?: string;
  /** The inputs its `workflow_dispatch` trigger declares; absent when it has no such trigger. */
  dispatchInputs?: Record<string, { required?: boolean }>;
  /** The `repository_dispatch` types it runs on ([] for any); absent when it has no such trigger. */
  repositoryDispatchTypes?: string[];
  /** Its `run-name`; `${{ inputs.x }}` and `${{ github.event.client_payload.x }}` are filled in. */
  runName?: string;
  jobs?: string[];
}

export interface GitHubRepoSeed {
  owner: string;
  repo: string;
  defaultBranch?: string;
  branches?: string[];
  workflows: GitHubWorkflowSeed[];
}

export interface GitHubDoubleOptions {
  /** Which published description to serve and check against; a GHES one serves under /api/v3. */
  description?: DescriptionName;
  /** Tokens the double accepts; any other is "Bad credentials". */
  tokens: string[];
  repos: GitHubRepoSeed[];
  /** Reads of a run (GET) before it moves to its next state; Infinity leaves that to completeRun(). */
  readsPerState?: number;
  /** Run lists served after a dispatch before its run shows in them (GitHub creates runs asynchronously). */
  listsBeforeRunAppears?: number;
  port?: number;
  /** Where the emulator keeps its certificate, when clients trust that one rather than `.emulator/`'s. */
  certificateDir?: string;
}

export type Conclusion = 'success' | 'failure' | 'cancelled' | 'timed_out' | 'skipped' | 'neutral';

export interface GitHubRunView {
  id: number;
  repo: string;
  workflow: string;
  event: string;
  headBranch: string;
  displayTitle: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: Conclusion | null;
  inputs: Record<string, unknown>;
  createdAt: string;
}

export interface GitHubDouble {
  /** What a client passes as its base URL: the origin, or origin + /api/v3 for GitHub Enterprise Server. */
  apiUrl: string;
  webUrl: string;
  /** Requests refused because they do not follow the description. */
  violations: Violation[];
  /** Responses of the double that do not follow the description (its own bugs). */
  responseProblems: Violation[];
  /** Every request served: method, path and operation; never a header. */
  requests: { method: string; path: string; operation?: string }[];
  /** Faults per operation id (`actions/create-workflow-dispatch`…), consumed in order. */
  faults: FaultQueue;
  /** How the next runs of a workflow end (default success). */
  setConclusion(file: string, conclusion: Conclusion): void;
  completeRun(runId: number, conclusion: Conclusion): void;
  /** A run that existed before a test's trigger. */
  seedRun(run: {
    repo: string;
    workflow: string;
    event: string;
    branch?: string;
    createdAt?: Date;
    displayTitle?: string;
  }): GitHubRunView;
  runs(): GitHubRunView[];
  stop(): Promise<void>;
}

interface Workflow extends GitHubWorkflowSeed {
  id: number;
  conclusion: Conclusion;
}

interface Repo {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  branches: Set<string>;
  workflows: Workflow[];
}

interface Run extends GitHubRunView {
  repoRef: Repo;
  workflowRef: Workflow;
  runNumber: number;
  headSha: string;
  updatedAt: Date;
  startedAt?: Date;
  completedAt?: Date;
  reads: number;
  hiddenForLists: number;
  plannedConclusion: Conclusion;
}

const DOCS = 'https://docs.github.com/rest';
const GHES_PREFIX = '/api/v3';

export async function startGitHubDouble(options: GitHubDoubleOptions): Promise<GitHubDouble> {
  const description = loadDescription(options.description ?? 'api.github.com');
  const enterprise = description.name.startsWith('ghes');
  const readsPerState = options.readsPerState ?? 1;
  const listsBeforeRunAppears = options.listsBeforeRunAppears ?? 1;
  const tokens = new Set(options.tokens);
  let nextId = 1000;
  const repos = options.repos.map((seed): Repo => ({
    id: nextId++,
    owner: seed.owner,
    name: seed.repo,
    defaultBranch: seed.defaultBranch ?? 'main',
    branches: new Set([seed.defaultBranch ?? 'main', ...(seed.branches ?? [])]),
    workflows: seed.workflows.map((workflow) => ({ ...workflow, id: nextId++, conclusion: 'success' })),
  }));
  const runs: Run[] = [];
  let nextRunId = 7_000_001;
  const violations: Violation[] = [];
  const responseProblems: Violation[] = [];
  const requests: GitHubDouble['requests'] = [];
  const faults = new FaultQueue();
  let apiUrl = '';
  let webUrl = '';

  const findRepo = (owner: unknown, name: unknown) =>
    repos.find(
      (repo) =>
        repo.owner.toLowerCase() === String(owner).toLowerCase() &&
        repo.name.toLowerCase() === String(name).toLowerCase(),
    );
  const findWorkflow = (repo: Repo, id: unknown) =>
    repo.workflows.find((workflow) => workflow.file === String(id) || String(workflow.id) === String(id));

  function createRun(
    repo: Repo,
    workflow: Workflow,
    event: string,
    branch: string,
    inputs: Record<string, unknown>,
    createdAt = new Date(),
  ): Run {
    const id = nextRunId++;
    const run: Run = {
      id,
      repo: `${repo.owner}/${repo.name}`,
      workflow: workflow.file,
      event,
      headBranch: branch,
      displayTitle: titleOf(workflow, event, inputs),
      status: 'queued',
      conclusion: null,
      inputs,
      createdAt: createdAt.toISOString(),
      repoRef: repo,
      workflowRef: workflow,
      runNumber: runs.filter((other) => other.workflowRef === workflow).length + 1,
      headSha: createHash('sha1').update(`${repo.name}:${branch}`).digest('hex'),
      updatedAt: createdAt,
      reads: 0,
      hiddenForLists: 0,
      plannedConclusion: workflow.conclusion,
    };
    runs.push(run);
    return run;
  }

  function advance(run: Run): void {
    if (run.status === 'completed') return;
    run.reads += 1;
    if (run.reads < readsPerState) return;
    run.reads = 0;
    run.updatedAt = new Date();
    if (run.status === 'queued') {
      run.status = 'in_progress';
      run.startedAt = run.updatedAt;
    } else {
      finish(run, run.plannedConclusion);
    }
  }

  function finish(run: Run, conclusion: Conclusion): void {
    run.status = 'completed';
    run.conclusion = conclusion;
    run.updatedAt = new Date();
    run.startedAt ??= run.updatedAt;
    run.completedAt = run.updatedAt;
  }

  const urls = (repo: Repo) => ({
    api: `${apiUrl}/repos/${repo.owner}/${repo.name}`,
    web: `${webUrl}/${repo.owner}/${repo.name}`,
  });

  /** The description's example, with the example repository's names and addresses made this double's. */
  function fromExample(name: string, repo: Repo): Record<string, unknown> {
    const text = JSON.stringify(description.example(name))
      .replaceAll('https://api.github.com', apiUrl)
      .replaceAll('https://github.com', webUrl)
      .replaceAll('octo-org/octo-repo', `${repo.owner}/${repo.name}`)
      .replaceAll('octocat/Hello-World', `${repo.owner}/${repo.name}`);
    return JSON.parse(text) as Record<string, unknown>;
  }

  function runBody(run: Run): Record<string, unknown> {
    const repo = run.repoRef;
    const body = fromExample('workflow-run', repo);
    const { api, web } = urls(repo);
    const runApi = `${api}/actions/runs/${run.id}`;
    const repository = {
      ...(body.repository as Record<string, unknown>),
      id: repo.id,
      name: repo.name,
      full_name: `${repo.owner}/${repo.name}`,
    };
    return {
      ...body,
      id: run.id,
      name: run.workflowRef.name ?? run.workflowRef.file,
      node_id: Buffer.from(`WorkflowRun${run.id}`).toString('base64'),
      head_branch: run.headBranch,
      head_sha: run.headSha,
      path: `.github/workflows/${run.workflowRef.file}@${run.headBranch}`,
      run_number: run.runNumber,
      event: run.event,
      display_title: run.displayTitle,
      status: run.status,
      conclusion: run.conclusion,
      workflow_id: run.workflowRef.id,
      url: runApi,
      html_url: `${web}/actions/runs/${run.id}`,
      created_at: iso(new Date(run.createdAt)),
      updated_at: iso(run.updatedAt),
      run_started_at: iso(run.startedAt ?? new Date(run.createdAt)),
      run_attempt: 1,
      previous_attempt_url: null,
      referenced_workflows: [],
      jobs_url: `${runApi}/jobs`,
      logs_url: `${runApi}/logs`,
      artifacts_url: `${runApi}/artifacts`,
      cancel_url: `${runApi}/cancel`,
      rerun_url: `${runApi}/rerun`,
      workflow_url: `${api}/actions/workflows/${run.workflowRef.id}`,
      head_commit: { ...(body.head_commit as Record<string, unknown>), id: run.headSha },
      repository,
      head_repository: {
        ...(body.head_repository as Record<string, unknown>),
        id: repo.id,
        name: repo.name,
        full_name: `${repo.owner}/${repo.name}`,
      },
    };
  }

  function jobBodies(run: Run): Record<string, unknown>[] {
    const template = (fromExample('job-paginated', run.repoRef).jobs as Record<string, unknown>[])[0];
    const names = run.workflowRef.jobs ?? ['test', 'deploy'];
    const { api, web } = urls(run.repoRef);
    return names.map((name, index) => {
      const id = run.id * 10 + index;
      const last = index === names.length - 1;
      // A failed run fails in its last job; the jobs before it passed.
      const conclusion =
        run.status !== 'completed' ? null : last || run.conclusion === 'success' ? run.conclusion : 'success';
      return {
        ...template,
        id,
        run_id: run.id,
        run_url: `${api}/actions/runs/${run.id}`,
        node_id: Buffer.from(`Job${id}`).toString('base64'),
        head_sha: run.headSha,
        head_branch: run.headBranch,
        workflow_name: run.workflowRef.name ?? run.workflowRef.file,
        url: `${api}/actions/jobs/${id}`,
        html_url: `${web}/actions/runs/${run.id}/job/${id}`,
        check_run_url: `${api}/check-runs/${id}`,
        name,
        status: run.status,
        conclusion,
        created_at: iso(new Date(run.createdAt)),
        started_at: iso(run.startedAt ?? new Date(run.createdAt)),
        completed_at: run.completedAt ? iso(run.completedAt) : null,
        steps: [],
        labels: ['ubuntu-latest'],
        runner_id: run.status === 'queued' ? null : 1,
        runner_name: run.status === 'queued' ? null : 'GitHub Actions 1',
        runner_group_id: run.status === 'queued' ? null : 1,
        runner_group_name: run.status === 'queued' ? null : 'GitHub Actions',
      };
    });
  }

  const notFound = (): DoubleResponse => ({ status: 404, body: githubError('Not Found', 404, `${DOCS}/actions`) });
  const unprocessable = (message: string): DoubleResponse => ({
    status: 422,
    body: githubError(message, 422, `${DOCS}/actions/workflows#create-a-workflow-dispatch-event`),
  });

  const handlers: Record<
    string,
    (
      operation: Operation,
      params: Record<string, string | number>,
      query: Record<string, unknown>,
      body: unknown,
    ) => DoubleResponse
  > = {
    'actions/create-workflow-dispatch': (operation, params, _query, body) => {
      const repo = findRepo(params.owner, params.repo);
      const workflow = repo && findWorkflow(repo, params.workflow_id);
      if (!repo || !workflow) return notFound();
      if (!workflow.dispatchInputs) return unprocessable("Workflow does not have 'workflow_dispatch' trigger");
      const {
        ref,
        inputs = {},
        return_run_details,
      } = body as { ref: string; inputs?: Record<string, unknown>; return_run_details?: boolean };
      const branch = ref.replace(/^refs\/heads\//, '');
      if (!repo.branches.has(branch)) return unprocessable(`No ref found for: ${ref}`);
      const unexpected = Object.keys(inputs).filter((key) => !(key in workflow.dispatchInputs!));
      if (unexpected.length > 0) return unprocessable(`Unexpected inputs provided: ${JSON.stringify(unexpected)}`);
      const missing = Object.entries(workflow.dispatchInputs).find(
        ([key, input]) => input.required && inputs[key] === undefined,
      );
      if (missing) return unprocessable(`Required input '${missing[0]}' not provided`);
      const run = createRun(repo, workflow, 'workflow_dispatch', branch, inputs);
      run.hiddenForLists = listsBeforeRunAppears;
      // From API version 2026-03-10 the run's details are always returned; before, only when asked for.
      // GitHub Enterprise Server's descriptions document only the 204: there the flag means nothing.
      if (operation.responses['200'] && (return_run_details === true || !operation.responses['204'])) {
        const { api, web } = urls(repo);
        return {
          status: 200,
          body: {
            workflow_run_id: run.id,
            run_url: `${api}/actions/runs/${run.id}`,
            html_url: `${web}/actions/runs/${run.id}`,
          },
        };
      }
      return { status: 204 };
    },
    'repos/create-dispatch-event': (_operation, params, _query, body) => {
      const repo = findRepo(params.owner, params.repo);
      if (!repo) return notFound();
      const { event_type, client_payload = {} } = body as {
        event_type: string;
        client_payload?: Record<string, unknown>;
      };
      for (const workflow of repo.workflows) {
        const types = workflow.repositoryDispatchTypes;
        if (types && (types.length === 0 || types.includes(event_type))) {
          createRun(repo, workflow, 'repository_dispatch', repo.defaultBranch, client_payload).hiddenForLists =
            listsBeforeRunAppears;
        }
      }
      return { status: 204 };
    },
    'actions/get-workflow': (_operation, params) => {
      const repo = findRepo(params.owner, params.repo);
      const workflow = repo && findWorkflow(repo, params.workflow_id);
      if (!repo || !workflow) return notFound();
      const { api, web } = urls(repo);
      return {
        status: 200,
        body: {
          ...fromExample('workflow', repo),
          id: workflow.id,
          name: workflow.name ?? workflow.file,
          path: `.github/workflows/${workflow.file}`,
          url: `${api}/actions/workflows/${workflow.id}`,
          html_url: `${web}/blob/${repo.defaultBranch}/.github/workflows/${workflow.file}`,
          badge_url: `${web}/workflows/${encodeURIComponent(workflow.name ?? workflow.file)}/badge.svg`,
        },
      };
    },
    'actions/list-workflow-runs': (_operation, params, query) => {
      const repo = findRepo(params.owner, params.repo);
      const workflow = repo && findWorkflow(repo, params.workflow_id);
      if (!repo || !workflow) return notFound();
      const created = typeof query.created === 'string' ? parseDateRange(query.created) : undefined;
      const matching = runs
        .filter((run) => run.workflowRef === workflow)
        .filter((run) => {
          if (run.hiddenForLists > 0) {
            run.hiddenForLists -= 1;
            return false;
          }
          return true;
        })
        .filter((run) => query.event === undefined || run.event === query.event)
        .filter((run) => query.branch === undefined || run.headBranch === query.branch)
        .filter((run) => query.head_sha === undefined || run.headSha === query.head_sha)
        .filter((run) => query.status === undefined || run.status === query.status || run.conclusion === query.status)
        .filter((run) => !created || inRange(Date.parse(run.createdAt), created))
        .sort((a, b) => b.id - a.id);
      const perPage = Number(query.per_page ?? 30);
      const page = Number(query.page ?? 1);
      const slice = matching.slice((page - 1) * perPage, page * perPage);
      return { status: 200, body: { total_count: matching.length, workflow_runs: slice.map(runBody) } };
    },
    'actions/get-workflow-run': (_operation, params) => {
      const run = runs.find(
        (candidate) => candidate.id === params.run_id && candidate.repoRef === findRepo(params.owner, params.repo),
      );
      if (!run) return notFound();
      advance(run);
      return { status: 200, body: runBody(run) };
    },
    'actions/list-jobs-for-workflow-run': (_operation, params) => {
      const run = runs.find(
        (candidate) => candidate.id === params.run_id && candidate.repoRef === findRepo(params.owner, params.repo),
      );
      if (!run) return notFound();
      const jobs = jobBodies(run);
      return { status: 200, body: { total_count: jobs.length, jobs } };
    },
  };

  async function handle(request: DoubleRequest): Promise<DoubleResponse | undefined> {
    const path = request.url.pathname;
    if (path.startsWith('/_double/')) return admin(request);
    if (enterprise && !path.startsWith(`${GHES_PREFIX}/`)) {
      violations.push({
        method: request.method,
        path,
        problems: [`GitHub Enterprise Server serves its API under ${GHES_PREFIX}.`],
      });
      return { status: 404, body: githubError('Not Found', 404, DOCS) };
    }
    const url = new URL(request.url);
    if (enterprise) url.pathname = path.slice(GHES_PREFIX.length);
    const checked = description.checkRequest({
      method: request.method,
      url,
      headers: request.headers,
      body: request.body,
    });
    const operation = checked.operation;
    requests.push({ method: request.method, path: url.pathname, operation: operation?.operationId });
    if (checked.problems.length > 0) {
      violations.push({
        method: request.method,
        path: url.pathname,
        operation: operation?.operationId,
        problems: checked.problems,
      });
      if (operation && !request.headers.authorization) {
        return { status: 401, body: githubError('Requires authentication', 401, DOCS) };
      }
      return {
        status: 400,
        body: githubError(
          `Not what the ${description.name} description allows: ${checked.problems.join(' ')}`,
          400,
          DOCS,
        ),
      };
    }
    const fault = faults.take(operation!.operationId);
    if (fault?.kind === 'reset') return undefined;
    if (fault) {
      const messages: Record<number, string> = {
        401: 'Bad credentials',
        403: 'Resource not accessible by personal access token',
        404: 'Not Found',
        422: 'Validation Failed',
        500: 'Server Error',
      };
      return {
        status: fault.status,
        headers: fault.headers,
        body: githubError(fault.message ?? messages[fault.status] ?? 'Error', fault.status, DOCS),
      };
    }
    const token = String(request.headers.authorization).replace(/^(token|bearer) /i, '');
    if (!tokens.has(token)) return { status: 401, body: githubError('Bad credentials', 401, DOCS) };
    const handler = handlers[operation!.operationId];
    if (!handler) {
      violations.push({
        method: request.method,
        path: url.pathname,
        operation: operation!.operationId,
        problems: ['The double does not serve this operation.'],
      });
      return {
        status: 501,
        body: githubError(`The GitHub double does not serve ${operation!.operationId}.`, 501, DOCS),
      };
    }
    const response = handler(operation!, checked.pathParams, checked.query, checked.body);
    const problems = description.checkResponse(operation!, response.status, response.body);
    if (problems.length > 0)
      responseProblems.push({
        method: request.method,
        path: url.pathname,
        operation: operation!.operationId,
        problems,
      });
    return {
      ...response,
      headers: {
        'x-github-api-version-selected': checked.apiVersion,
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '4999',
        ...response.headers,
      },
    };
  }

  /** The admin API, for tests in another process: violations, faults, finishing a run. No token needed. */
  function admin(request: DoubleRequest): DoubleResponse {
    const path = request.url.pathname;
    const json = () => JSON.parse(request.body.toString('utf8') || '{}') as Record<string, unknown>;
    try {
      if (path === '/_double/violations' && request.method === 'GET')
        return { status: 200, body: { violations, responseProblems } };
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
        completeRun(Number(complete[1]), String(json().conclusion ?? 'success') as Conclusion);
        return { status: 204 };
      }
    } catch (error) {
      return { status: 400, body: { message: (error as Error).message } };
    }
    return { status: 404, body: { message: `No admin route ${request.method} ${path}.` } };
  }

  function completeRun(runId: number, conclusion: Conclusion): void {
    const run = runs.find((candidate) => candidate.id === runId);
    if (!run) throw new Error(`No run ${runId}.`);
    finish(run, conclusion);
  }

  const views = (): GitHubRunView[] =>
    runs.map(({ id, repo, workflow, event, headBranch, displayTitle, status, conclusion, inputs, createdAt }) => ({
      id,
      repo,
      workflow,
      event,
      headBranch,
      displayTitle,
      status,
      conclusion,
      inputs,
      createdAt,
    }));

  const server = await startLoopbackHttps(handle, options.port, options.certificateDir);
  apiUrl = enterprise ? `${server.origin}${GHES_PREFIX}` : server.origin;
  webUrl = server.origin;
  return {
    apiUrl,
    webUrl,
    violations,
    responseProblems,
    requests,
    faults,
    setConclusion: (file, conclusion) => {
      for (const repo of repos)
        for (const workflow of repo.workflows) if (workflow.file === file) workflow.conclusion = conclusion;
    },
    completeRun,
    seedRun: ({ repo: fullName, workflow: file, event, branch, createdAt, displayTitle }) => {
      const [owner, name] = fullName.split('/');
      const repo = findRepo(owner, name);
      const workflow = repo && findWorkflow(repo, file);
      if (!repo || !workflow) throw new Error(`No workflow ${file} in ${fullName}.`);
      const run = createRun(repo, workflow, event, branch ?? repo.defaultBranch, {}, createdAt);
      if (displayTitle) run.displayTitle = displayTitle;
      return views().find((view) => view.id === run.id)!;
    },
    runs: views,
    stop: () => server.stop(),
  };
}

/** GitHub's error body: a message and where the docs explain it. */
function githubError(message: string, status: number, documentationUrl: string): Record<string, unknown> {
  return { message, documentation_url: documentationUrl, status: String(status) };
}

/** A run's title: its workflow's run-name with inputs or the dispatch's payload filled in, else GitHub's default. */
function titleOf(workflow: GitHubWorkflowSeed, event: string, values: Record<string, unknown>): string {
  if (!workflow.runName)
    return event === 'repository_dispatch' ? 'repository dispatch' : (workflow.name ?? workflow.file);
  return workflow.runName.replace(
    /\$\{\{\s*(?:inputs|github\.event\.client_payload)\.(\w+)\s*\}\}/g,
    (_, key: string) => String(values[key] ?? ''),
  );
}

function iso(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}

function inRange(time: number, range: NonNullable<ReturnType<typeof parseDateRange>>): boolean {
  // GitHub compares at whole seconds, as its timestamps carry.
  const at = Math.floor(time / 1000) * 1000;
  const afterFrom = range.fromInclusive ? at >= range.from : at > range.from;
  const beforeTo = range.toInclusive ? at <= range.to : at < range.to;
  return afterFrom && beforeTo;
}
