/**
 * Fault injection: rules registered through POST /_emulator/faults (or RunningEmulator.faults) make
 * matching requests fail the way real networks and ARM do: throttling, 5xx, resets, latency, cut bodies.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultRule, RouteHandler } from './contracts';
import { isRecord, sendArmError, sendEmpty, sendJson } from './http';

interface ActiveRule {
  rule: FaultRule;
  pattern: RegExp;
  remaining: number;
}

/** What the server should do with a request after fault rules ran. */
export type FaultOutcome = 'handled' | 'continue';

const STATUS_CODES: Record<number, string> = {
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

export class FaultInjector {
  private rules: ActiveRule[] = [];

  add(rule: FaultRule): void {
    validateRule(rule);
    this.rules.push({ rule, pattern: new RegExp(rule.pathPattern), remaining: rule.count ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return this.rules.map((r) => r.rule);
  }

  /** Applies the first matching rule; 'continue' means the normal handler must still answer. */
  async apply(req: IncomingMessage, res: ServerResponse, url: URL): Promise<FaultOutcome> {
    const active = this.rules.find(
      (r) =>
        r.remaining > 0 &&
        r.pattern.test(url.pathname) &&
        (!r.rule.method || r.rule.method.toUpperCase() === req.method),
    );
    if (!active) return 'continue';
    active.remaining -= 1;
    if (active.remaining <= 0) this.rules = this.rules.filter((r) => r !== active);
    const { rule } = active;
    switch (rule.kind) {
      case 'status': {
        const status = rule.status ?? 500;
        const headers: Record<string, string> = {};
        if (rule.retryAfterSeconds !== undefined) headers['Retry-After'] = String(rule.retryAfterSeconds);
        else if (status === 429 || status === 503) headers['Retry-After'] = '1';
        sendArmError(
          res,
          status,
          rule.code ?? STATUS_CODES[status] ?? 'InjectedFault',
          rule.message ?? `Injected fault: HTTP ${status}.`,
          headers,
        );
        return 'handled';
      }
      case 'reset':
        // Drop the connection without any response bytes, as a dying load balancer does.
        req.socket.destroy();
        return 'handled';
      case 'latency':
        await new Promise((resolve) => setTimeout(resolve, rule.latencyMs ?? 1000));
        return 'continue';
      case 'truncate':
        truncateResponse(res);
        return 'continue';
    }
  }

  /** Admin routes; they need no token. */
  readonly handler: RouteHandler = async (req, res, url, body) => {
    if (url.pathname !== '/_emulator/faults') return false;
    if (req.method === 'GET') {
      sendJson(res, 200, { value: this.list() });
    } else if (req.method === 'DELETE') {
      this.clear();
      sendEmpty(res, 204);
    } else if (req.method === 'POST') {
      try {
        const rule = JSON.parse(body.toString('utf8')) as unknown;
        if (!isRecord(rule)) throw new Error('The body must be a FaultRule object.');
        this.add(rule as unknown as FaultRule);
        sendJson(res, 201, rule);
      } catch (error) {
        sendArmError(res, 400, 'BadRequest', (error as Error).message);
      }
    } else {
      sendArmError(res, 405, 'MethodNotAllowed', `The method '${req.method ?? ''}' is not allowed.`);
    }
    return true;
  };
}

function validateRule(rule: FaultRule): void {
  if (typeof rule.pathPattern !== 'string') throw new Error('pathPattern must be a string (a regular expression).');
  new RegExp(rule.pathPattern);
  if (!['status', 'reset', 'latency', 'truncate'].includes(rule.kind)) {
    throw new Error(`kind must be one of status, reset, latency, truncate; got '${String(rule.kind)}'.`);
  }
  if (rule.kind === 'status' && rule.status !== undefined && (rule.status < 400 || rule.status > 599)) {
    throw new Error('status must be an HTTP error status (400-599).');
  }
  if (rule.count !== undefined && (!Number.isInteger(rule.count) || rule.count < 1)) {
    throw new Error('count must be a positive integer.');
  }
}

/**
 * Lets the normal handler write its response, but only half of the body goes out after headers that
 * announce the full Content-Length; then the socket closes, so the client sees a cut-off body.
 */
function truncateResponse(res: ServerResponse): void {
  const cut = ((chunk?: unknown): ServerResponse => {
    const full = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.isBuffer(chunk) ? chunk : Buffer.alloc(0);
    if (!res.headersSent && !res.hasHeader('Content-Length')) res.setHeader('Content-Length', full.length);
    const partial = full.subarray(0, Math.floor(full.length / 2));
    res.write(partial, () => {
      // end() flushes what was written before closing, unlike destroy(); the body stays incomplete.
      const socket = res.socket;
      socket?.end();
      setTimeout(() => socket?.destroy(), 1000).unref();
    });
    return res;
  }) as ServerResponse['end'];
  res.end = cut;
}
