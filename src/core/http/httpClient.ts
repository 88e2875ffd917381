import type { HttpMethods, Pipeline } from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/identity';
import { ServiceError, type ErrorSource } from '../errors/kinds';
import { loadAzureSdk } from '../lazy/load';
import { MalformedResponseError, parseErrorBody, parseJsonBody, type JsonObject } from './json';

/** The one retry policy: exponential backoff, Retry-After on 429/503, and retries after connection resets. */
export const RETRY_OPTIONS = { maxRetries: 3, retryDelayInMs: 500, maxRetryDelayInMs: 10_000 } as const;

export interface HttpClientOptions {
  /** Which service the calls go to, so their errors are worded for it. */
  source: ErrorSource;
  /** The service's name in messages ("Run history", "GitHub"). */
  serviceName: string;
  /** Bearer tokens for these scopes come from this credential. */
  auth?: { credential: TokenCredential; scopes: string | string[] };
  /** Plain http, for a local test server only; every real service is https. */
  allowInsecureConnection?: boolean;
  /**
   * Retries after a failure (RETRY_OPTIONS' count by default). 0 for a request that must not be sent twice,
   * such as one that starts a CI run: a retry after a lost answer could start a second.
   */
  maxRetries?: number;
}

export interface HttpRequest {
  method: HttpMethods;
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  abortSignal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string | undefined;
}

/**
 * Every call this project makes that is not made by a generated SDK client goes through here: one
 * pipeline (@azure/core-rest-pipeline, loaded lazily) with the retry policy above, one JSON parser
 * that reports a truncated body, one error-body parser, and errors tagged with their service.
 */
export class HttpClient {
  private pipeline: Promise<Pipeline> | undefined;

  constructor(private readonly options: HttpClientOptions) {}

  /** Sends the request; a status of 400 or more becomes a ServiceError with the service's own message. */
  async send(request: HttpRequest): Promise<HttpResponse> {
    const { restPipeline } = await loadAzureSdk();
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    if (request.json !== undefined) headers['content-type'] = 'application/json';
    const pipelineRequest = restPipeline.createPipelineRequest({
      url: request.url,
      method: request.method,
      headers: restPipeline.createHttpHeaders(headers),
      body: request.json === undefined ? undefined : JSON.stringify(request.json),
      abortSignal: request.abortSignal,
      allowInsecureConnection: this.options.allowInsecureConnection,
    });
    let response;
    try {
      response = await (await this.getPipeline()).sendRequest(restPipeline.createDefaultHttpClient(), pipelineRequest);
    } catch (error) {
      throw asServiceError(error, this.options.source);
    }
    const text = response.bodyAsText ?? undefined;
    if (response.status >= 400) {
      const body = parseErrorBody(text);
      throw new ServiceError({
        source: this.options.source,
        statusCode: response.status,
        code: body?.code,
        message:
          body?.message ??
          `${this.options.serviceName} answered HTTP ${response.status} to ${request.method} ${pathOf(request.url)}`,
      });
    }
    return { status: response.status, headers: response.headers.toJSON(), text };
  }

  /**
   * Sends the request and returns the body as bytes, so that a byte range of a text file is never cut
   * inside a character. An error status becomes a ServiceError, as in send().
   */
  async bytes(request: HttpRequest): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    const { restPipeline } = await loadAzureSdk();
    const pipelineRequest = restPipeline.createPipelineRequest({
      url: request.url,
      method: request.method,
      headers: restPipeline.createHttpHeaders(request.headers),
      abortSignal: request.abortSignal,
      allowInsecureConnection: this.options.allowInsecureConnection,
      streamResponseStatusCodes: new Set([200, 206]),
    });
    let response;
    let body: Buffer;
    try {
      response = await (await this.getPipeline()).sendRequest(restPipeline.createDefaultHttpClient(), pipelineRequest);
      body = response.readableStreamBody ? await readAll(response.readableStreamBody) : Buffer.alloc(0);
    } catch (error) {
      throw asServiceError(error, this.options.source);
    }
    if (response.status >= 400) {
      const text = response.bodyAsText ?? undefined;
      throw new ServiceError({
        source: this.options.source,
        statusCode: response.status,
        code: parseErrorBody(text)?.code ?? response.headers.get('x-ms-error-code'),
        message:
          parseErrorBody(text)?.message ??
          `${this.options.serviceName} answered HTTP ${response.status} to ${request.method} ${pathOf(request.url)}`,
      });
    }
    return { status: response.status, headers: response.headers.toJSON(), body };
  }

  /** Sends the request and reads the body as a JSON object. */
  async json(request: HttpRequest): Promise<JsonObject> {
    const response = await this.send(request);
    try {
      return parseJsonBody(response.text, this.options.serviceName);
    } catch (error) {
      throw asServiceError(error, this.options.source);
    }
  }

  private getPipeline(): Promise<Pipeline> {
    this.pipeline ??= loadAzureSdk().then(({ restPipeline }) => {
      const retryOptions = { ...RETRY_OPTIONS, maxRetries: this.options.maxRetries ?? RETRY_OPTIONS.maxRetries };
      const pipeline = restPipeline.createPipelineFromOptions({ retryOptions });
      const auth = this.options.auth;
      if (auth) {
        pipeline.addPolicy(
          restPipeline.bearerTokenAuthenticationPolicy({ credential: auth.credential, scopes: auth.scopes }),
        );
      }
      return pipeline;
    });
    return this.pipeline;
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/**
 * Transport failures (an error status from a pipeline, a connection reset, a malformed body) become a
 * ServiceError of `source`, so they are worded for that service; anything else (a credential that is
 * signed out, a cancellation) keeps its own identity.
 */
export function asServiceError(error: unknown, source: ErrorSource): unknown {
  const { name, code, statusCode, message } = error as {
    name?: string;
    code?: string;
    statusCode?: number;
    message?: string;
  };
  if (name !== 'RestError' && !(error instanceof MalformedResponseError)) return error;
  return new ServiceError({ source, code, statusCode, message: message || String(error), cause: error });
}
