// MLflow's tracking REST API spoken directly, as a training script or a plain client would: the bench logs
// points through it and times raw reads with it, apart from the extension's own HTTP path.
import { readFileSync } from 'node:fs';
import https from 'node:https';

export interface RawMetricPoint {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export class MlflowRest {
  private readonly ca: Buffer | undefined;

  constructor(
    /** The workspace's tracking address as https, ending before `/api/2.0/mlflow/`. */
    private readonly base: string,
    private readonly token: () => Promise<string>,
  ) {
    // The emulator's certificate; the extension host's Node trusts it the same way.
    const caFile = process.env.NODE_EXTRA_CA_CERTS;
    this.ca = caFile ? readFileSync(caFile) : undefined;
  }

  async logMetric(runId: string, point: RawMetricPoint): Promise<void> {
    await this.call('POST', 'runs/log-metric', { run_id: runId, ...point });
  }

  /** `runs/log-batch`; the service takes at most 1,000 metrics a request, so callers send them in slices. */
  async logBatch(runId: string, metrics: RawMetricPoint[]): Promise<void> {
    if (metrics.length > 1000) throw new Error(`log-batch takes at most 1,000 metrics, not ${metrics.length}`);
    await this.call('POST', 'runs/log-batch', { run_id: runId, metrics });
  }

  /** `runs/get`: the run's latest value of each metric, params and tags. */
  async getRun(runId: string): Promise<{ run: { data: { metrics?: RawMetricPoint[] } } }> {
    return (await this.call('GET', `runs/get?run_id=${encodeURIComponent(runId)}`)) as {
      run: { data: { metrics?: RawMetricPoint[] } };
    };
  }

  /** Every point of a metric, following `next_page_token`. */
  async getHistory(runId: string, key: string): Promise<RawMetricPoint[]> {
    const points: RawMetricPoint[] = [];
    let pageToken: string | undefined;
    do {
      const query = new URLSearchParams({ run_id: runId, metric_key: key, max_results: '25000' });
      if (pageToken) query.set('page_token', pageToken);
      const body = (await this.call('GET', `metrics/get-history?${query}`)) as {
        metrics?: RawMetricPoint[];
        next_page_token?: string;
      };
      points.push(...(body.metrics ?? []));
      pageToken = body.next_page_token || undefined;
    } while (pageToken);
    return points;
  }

  private async call(method: 'GET' | 'POST', endpoint: string, body?: unknown): Promise<unknown> {
    const url = new URL(`${this.base}/api/2.0/mlflow/${endpoint}`);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const authorization = `Bearer ${await this.token()}`;
    return new Promise((resolve, reject) => {
      const request = https.request(
        url,
        {
          method,
          ca: this.ca,
          headers: {
            authorization,
            ...(payload === undefined
              ? {}
              : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if ((response.statusCode ?? 500) >= 300) {
              reject(new Error(`${method} ${endpoint} answered ${response.statusCode}: ${text.slice(0, 300)}`));
              return;
            }
            try {
              resolve(text === '' ? {} : JSON.parse(text));
            } catch (error) {
              reject(error instanceof Error ? error : new Error(String(error)));
            }
          });
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
  }
}
