import vscode = require('vscode');
import type { AzureMlArm } from '../core/azure/armClient';
import { followJobLogs, MAIN_LOG, type FollowResult, type LogSource } from '../core/azure/jobLogs';
import { isActiveStatus } from '../core/azure/jobStatus';
import { workspaceId, type WorkspaceRef } from '../core/azure/resourceIds';
import { isCancellation } from '../core/errors/kinds';

/** A job, by the workspace it is in and its name. */
export interface JobTarget {
  workspace: WorkspaceRef;
  jobName: string;
}

const KEPT_TEXT_CHARS = 1_000_000;

/** One job's log in an output channel of its own, followed until the job ends or the channel closes. */
export class JobStream implements vscode.Disposable {
  readonly channel: vscode.OutputChannel;
  readonly result: Promise<FollowResult | undefined>;
  text = '';
  finished = false;
  private readonly controller = new AbortController();
  private lastStep: string | undefined;

  constructor(
    job: JobTarget,
    logName: string,
    arm: Promise<AzureMlArm>,
    onEnd: (result: FollowResult | undefined) => void,
  ) {
    const suffix = logName === MAIN_LOG ? '' : ` (${logName})`;
    this.channel = vscode.window.createOutputChannel(`Azure ML Job: ${job.jobName}${suffix}`);
    this.channel.show(true);
    this.write(`Following ${job.jobName} in ${job.workspace.name} (${workspaceId(job.workspace)}).\n`);
    this.result = arm
      .then((client) =>
        followJobLogs({
          history: client.runHistory(job.workspace),
          readRange: client.readLogRange,
          runId: job.jobName,
          logName,
          abortSignal: this.controller.signal,
          onStatus: (status) => this.write(`[status] ${status}\n`),
          onText: (source, text) => this.writeLog(source, text),
        }),
      )
      .then(
        (result) => {
          this.write(`\n[${result.status}] ${job.jobName}${result.error ? `: ${result.error.message}` : ''}\n`);
          if (result.status === 'Failed' && result.tail.length > 0) {
            this.write(`Last lines of the log:\n${result.tail.map((line) => `  ${line}`).join('\n')}\n`);
          }
          return result;
        },
        (error: unknown) => {
          if (isCancellation(error)) {
            this.write('\nStopped following.\n');
            return undefined;
          }
          this.write(`\nCould not follow the log: ${(error as Error).message}\nRun "Stream Logs" again to resume.\n`);
          return undefined;
        },
      )
      .then((result) => {
        this.finished = true;
        if (result && !isActiveStatus(result.status)) onEnd(result);
        return result;
      });
  }

  private writeLog(source: LogSource, text: string): void {
    if (!source.step) return this.write(text);
    if (source.step !== this.lastStep) this.write(`\n── step ${source.step} ──\n`);
    this.lastStep = source.step;
    this.write(text);
  }

  private write(text: string): void {
    // The channel keeps the whole log; this copy, for tests and the failure summary, keeps its end.
    this.text = (this.text + text).slice(-KEPT_TEXT_CHARS);
    this.channel.append(text);
  }

  dispose(): void {
    this.controller.abort();
    this.channel.dispose();
  }
}
