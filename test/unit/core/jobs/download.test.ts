import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { AzureMlArm } from '../../../../src/core/azure/armClient';
import { isActiveStatus } from '../../../../src/core/azure/jobStatus';
import { workspaceId, type WorkspaceRef } from '../../../../src/core/azure/resourceIds';
import { isCancellation } from '../../../../src/core/errors/kinds';
import type { TransferProgress } from '../../../../src/core/jobs/blobTransfer';
import {
  DownloadError,
  downloadJobLogs,
  downloadJobOutputs,
  listJobOutputs,
  parseDatastoreUri,
  safeLocalPath,
} from '../../../../src/core/jobs/download';
import { blobContainerUrl } from '../../../../src/core/jobs/upload';
import { DEMO_WORKSPACES } from '../../../emulator/seeds/demo';
import { startHarness, waitFor, type Harness } from '../../emulator/harness';
import { armAgainst } from '../armAgainstEmulator';

const DEMO = DEMO_WORKSPACES.vision;
const ws: WorkspaceRef = {
  subscriptionId: DEMO.subscriptionId,
  resourceGroup: DEMO.resourceGroup,
  name: DEMO.workspace,
};

/** Every file under `folder`, relative with `/`, sorted. */
function filesUnder(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return (readdirSync(folder, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

describe('core/jobs: local paths of downloaded files', () => {
  const root = path.resolve(os.tmpdir(), 'aml-download-root');

  it('places a blob name under the target folder', () => {
    assert.equal(safeLocalPath(root, ['model', 'a', 'b.txt'], 'x'), path.join(root, 'model', 'a', 'b.txt'));
  });

  for (const parts of [
    ['model', '..', '..', 'evil.txt'],
    ['model', '', 'etc', 'passwd'],
    ['..'],
    ['model', '.', 'x'],
    ['model', '..\\..\\evil.txt'],
    ['model', 'C:', 'evil.txt'],
    ['/etc/passwd'],
  ]) {
    it(`refuses ${JSON.stringify(parts)}, naming the file`, () => {
      assert.throws(
        () => safeLocalPath(root, parts, `named/${parts.join('/')}`),
        (error: unknown) =>
          error instanceof DownloadError &&
          error.message.includes(`named/${parts.join('/')}`) &&
          /outside the target folder/.test(error.message),
      );
    });
  }
});

describe('core/jobs: datastore URIs of job outputs', () => {
  it('reads the short form, the long form of this workspace and the artifact form', () => {
    assert.deepEqual(parseDatastoreUri('azureml://datastores/workspaceblobstore/paths/azureml/j1/model/', ws), {
      datastore: 'workspaceblobstore',
      path: 'azureml/j1/model/',
    });
    assert.deepEqual(
      parseDatastoreUri(
        `azureml://subscriptions/${ws.subscriptionId}/resourcegroups/${ws.resourceGroup}/workspaces/${ws.name}/datastores/ds1/paths/data/my%20file.csv`,
        ws,
      ),
      { datastore: 'ds1', path: 'data/my file.csv' },
    );
    assert.deepEqual(parseDatastoreUri('azureml://datastores/workspaceartifactstore/ExperimentRun/dcid.j1', ws), {
      datastore: 'workspaceartifactstore',
      path: 'ExperimentRun/dcid.j1',
    });
  });

  it('refuses a location in another workspace and one that is not on a datastore', () => {
    assert.throws(
      () =>
        parseDatastoreUri(
          `azureml://subscriptions/${ws.subscriptionId}/resourcegroups/other-rg/workspaces/other-ws/datastores/d/paths/x`,
          ws,
        ),
      /in workspace other-ws/,
    );
    assert.throws(() => parseDatastoreUri('https://acct.blob.core.windows.net/c/x', ws), /not a datastore location/);
  });
});

describe('core/jobs: downloading job outputs and logs from the emulator', function () {
  this.timeout(180_000);
  let h: Harness;
  let arm: AzureMlArm;
  let storage: ContainerClient;
  const folders: string[] = [];
  const targetFolder = (): string => {
    const parent = mkdtempSync(path.join(os.tmpdir(), 'aml-download-'));
    folders.push(parent);
    return path.join(parent, 'target');
  };

  before(async () => {
    h = await startHarness({ seed: 'demo' });
    arm = await armAgainst(h);
    const datastore = await arm.getDatastore(ws, 'workspaceblobstore');
    const { key } = await arm.listDatastoreSecrets(ws, 'workspaceblobstore');
    storage = new ContainerClient(
      blobContainerUrl(datastore),
      new StorageSharedKeyCredential(datastore.accountName ?? '', key ?? ''),
    );
  });

  after(async () => {
    await h?.stop();
    folders.forEach((folder) => rmSync(folder, { recursive: true, force: true }));
  });

  async function submit(
    name: string,
    command: string,
    outputs: Record<string, Record<string, unknown>> = { model: { jobOutputType: 'uri_folder' } },
  ): Promise<void> {
    const wsId = workspaceId(ws);
    await arm.putJob(ws, name, {
      properties: {
        jobType: 'Command',
        command,
        experimentName: 'download',
        environmentId: `${wsId}/environments/sklearn-env/versions/2`,
        computeId: `${wsId}/computes/cpu-cluster`,
        outputs,
      },
    });
  }

  async function statusOf(name: string): Promise<string> {
    const job = await arm.getJob(ws, name);
    return String((job.properties as Record<string, unknown>).status);
  }

  async function finished(name: string): Promise<string> {
    await waitFor(async () => !isActiveStatus(await statusOf(name)), 60_000, `job ${name} to finish`);
    return statusOf(name);
  }

  async function blobBytes(name: string): Promise<Buffer> {
    return storage.getBlobClient(name).downloadToBuffer();
  }

  /** A job whose output holds text in nested folders and a binary file, finished. */
  async function jobWithFiles(name: string): Promise<void> {
    await submit(
      name,
      [
        'mkdir -p ${{outputs.model}}/nested/deeper',
        'echo w > ${{outputs.model}}/weights.txt',
        "printf 'a,b\\n1,2\\n' > ${{outputs.model}}/nested/metrics.csv",
        'head -c 300000 /dev/urandom > ${{outputs.model}}/nested/deeper/blob.bin',
        'echo "trained $((6*7))"',
      ].join(' && '),
    );
    assert.equal(await finished(name), 'Completed');
  }

  it('lists the outputs as the job records them, with the job artifacts as `default`', async () => {
    await jobWithFiles('dl-list');
    const listed = await listJobOutputs(arm, ws, 'dl-list');
    assert.equal(listed.status, 'Completed');
    assert.deepEqual(
      listed.outputs.map((output) => [output.name, output.jobOutputType, output.source, output.isDefaultArtifacts]),
      [
        ['model', 'uri_folder', 'recorded', false],
        ['default', 'uri_folder', 'artifactStore', true],
      ],
    );
    const model = listed.outputs[0];
    assert.equal(model.recordedUri, 'azureml://datastores/workspaceblobstore/paths/azureml/dl-list/model/');
    assert.equal(model.uri, model.recordedUri);
    assert.equal(listed.outputs[1].uri, 'azureml://datastores/workspaceartifactstore/ExperimentRun/dcid.dl-list');
    assert.equal(listed.outputs[1].recordedUri, undefined);
  });

  it('downloads every file of an output byte for byte, with progress that adds up', async () => {
    await jobWithFiles('dl-files');
    const target = targetFolder();
    const progress: TransferProgress[] = [];
    const result = await downloadJobOutputs(arm, ws, 'dl-files', target, {
      concurrency: 2,
      onProgress: (p) => progress.push(p),
    });

    assert.deepEqual(filesUnder(path.join(target, 'model')), [
      'nested/deeper/blob.bin',
      'nested/metrics.csv',
      'weights.txt',
    ]);
    assert.equal(readFileSync(path.join(target, 'model', 'weights.txt'), 'utf8'), 'w\n');
    assert.equal(readFileSync(path.join(target, 'model', 'nested', 'metrics.csv'), 'utf8'), 'a,b\n1,2\n');
    const binary = readFileSync(path.join(target, 'model', 'nested', 'deeper', 'blob.bin'));
    assert.equal(binary.length, 300_000);
    assert.ok(binary.equals(await blobBytes('azureml/dl-files/model/nested/deeper/blob.bin')));
    // Nothing but the outputs' files: no temporary files left, nothing for the empty artifact store.
    assert.deepEqual(
      filesUnder(target),
      filesUnder(path.join(target, 'model')).map((file) => `model/${file}`),
    );

    const model = result.outputs.find((output) => output.name === 'model');
    assert.equal(model?.folder, path.join(path.resolve(target), 'model'));
    assert.equal(model?.bytes, 300_000 + 2 + 8);
    assert.equal(result.files, 3);
    assert.equal(result.bytes, 300_010);
    assert.deepEqual(result.outputs.find((output) => output.name === 'default')?.files, []);

    const last = progress.at(-1);
    assert.deepEqual(last, { bytesDone: 300_010, bytesTotal: 300_010, filesDone: 3, filesTotal: 3 });
    for (let i = 1; i < progress.length; i += 1) {
      assert.ok(progress[i].bytesDone >= progress[i - 1].bytesDone, 'bytes done never go back');
      assert.ok(progress[i].bytesDone <= progress[i].bytesTotal);
    }
  });

  it('downloads only the outputs asked for, and names the outputs when one does not exist', async () => {
    await submit('dl-two', 'echo a > ${{outputs.first}}/a.txt && echo b > ${{outputs.second}}/b.txt', {
      first: { jobOutputType: 'uri_folder' },
      second: { jobOutputType: 'uri_folder' },
    });
    assert.equal(await finished('dl-two'), 'Completed');
    const target = targetFolder();
    const result = await downloadJobOutputs(arm, ws, 'dl-two', target, { outputs: ['second'] });
    assert.deepEqual(
      result.outputs.map((output) => output.name),
      ['second'],
    );
    assert.deepEqual(filesUnder(target), ['second/b.txt']);
    await assert.rejects(
      downloadJobOutputs(arm, ws, 'dl-two', targetFolder(), { outputs: ['third'] }),
      /has no output third\. Its outputs: first, second, default\./,
    );
  });

  it('finds an output that records no location where Azure writes it, and refuses to download a running job', async () => {
    await submit('dl-running', 'sleep 30');
    await waitFor(async () => (await statusOf('dl-running')) === 'Running', 30_000, 'dl-running to run');
    try {
      const before = await listJobOutputs(arm, ws, 'dl-running');
      const model = before.outputs.find((output) => output.name === 'model');
      assert.equal(model?.recordedUri, undefined);
      assert.equal(model?.source, 'unknown');
      assert.equal(model?.uri, undefined);

      // azure-ai-ml's second place to look: dataset/{job}/{output}/ on the default datastore.
      await storage.getBlockBlobClient('dataset/dl-running/model/part-0.txt').upload('p', 1);
      const after = await listJobOutputs(arm, ws, 'dl-running');
      const found = after.outputs.find((output) => output.name === 'model');
      assert.equal(found?.source, 'defaultPath');
      assert.equal(found?.uri, 'azureml://datastores/workspaceblobstore/paths/dataset/dl-running/model/');

      const target = targetFolder();
      await assert.rejects(
        downloadJobOutputs(arm, ws, 'dl-running', target),
        (error: unknown) =>
          error instanceof DownloadError && /is Running; its outputs can be downloaded once/.test(error.message),
      );
      assert.equal(existsSync(target), false);
    } finally {
      await arm.cancelJob(ws, 'dl-running');
    }
  });

  it('refuses blob names that would write outside the target folder, writing nothing', async () => {
    const prefix = 'escape/dl-escape';
    await submit('dl-escape', 'echo ok > ${{outputs.model}}/ok.txt', {
      model: { jobOutputType: 'uri_folder', uri: `azureml://datastores/workspaceblobstore/paths/${prefix}/` },
    });
    assert.equal(await finished('dl-escape'), 'Completed');
    assert.equal((await blobBytes(`${prefix}/ok.txt`)).toString(), 'ok\n');

    // Storage keeps these names as they are: `..` segments (sent with backslashes, which the URL turns into
    // slashes) and an empty segment that leaves an absolute path once the output's folder is taken off.
    for (const [sent, stored] of [
      [`${prefix}/..\\..\\evil.txt`, `${prefix}/../../evil.txt`],
      [`${prefix}//etc-evil.txt`, `${prefix}//etc-evil.txt`],
    ]) {
      await storage.getBlockBlobClient(sent).upload('evil', 4);
      const names: string[] = [];
      for await (const blob of storage.listBlobsFlat({ prefix: `${prefix}/` })) names.push(blob.name);
      assert.ok(names.includes(stored), `storage holds ${stored}: ${JSON.stringify(names)}`);

      const parent = path.dirname(targetFolder());
      const target = path.join(parent, 'inner', 'target');
      await assert.rejects(
        downloadJobOutputs(arm, ws, 'dl-escape', target, { outputs: ['model'] }),
        (error: unknown) =>
          error instanceof DownloadError &&
          error.message.includes(`Refusing to download ${stored}`) &&
          error.message.includes('outside the target folder'),
      );
      assert.deepEqual(filesUnder(parent), [], 'nothing was written, inside or outside the target folder');
      await storage.getBlobClient(sent).delete();
    }

    const target = targetFolder();
    await downloadJobOutputs(arm, ws, 'dl-escape', target, { outputs: ['model'] });
    assert.deepEqual(filesUnder(target), ['model/ok.txt']);
  });

  it('does not follow a symbolic link out of the target folder', async () => {
    await jobWithFiles('dl-symlink');
    const target = targetFolder();
    const outside = mkdtempSync(path.join(os.tmpdir(), 'aml-download-outside-'));
    folders.push(outside);
    mkdirSync(target, { recursive: true });
    symlinkSync(outside, path.join(target, 'model'));
    await assert.rejects(
      downloadJobOutputs(arm, ws, 'dl-symlink', target, { outputs: ['model'] }),
      (error: unknown) =>
        error instanceof DownloadError &&
        error.failures.length === 3 &&
        error.failures.every((failure) => /symbolic link/.test(failure.message)),
    );
    assert.deepEqual(filesUnder(outside), []);
  });

  it('stops when cancelled, leaving no half-written file', async () => {
    await submit(
      'dl-cancel',
      'for i in $(seq 1 12); do head -c 400000 /dev/urandom > ${{outputs.model}}/part-$i.bin; done',
    );
    assert.equal(await finished('dl-cancel'), 'Completed');
    const target = targetFolder();
    const controller = new AbortController();
    let last: TransferProgress | undefined;
    await assert.rejects(
      downloadJobOutputs(arm, ws, 'dl-cancel', target, {
        concurrency: 2,
        abortSignal: controller.signal,
        onProgress: (progress) => {
          last = progress;
          if (progress.filesDone >= 1) controller.abort();
        },
      }),
      (error: unknown) => isCancellation(error),
    );
    const written = filesUnder(target);
    assert.ok(last && last.filesDone >= 1 && last.filesDone < 12, JSON.stringify(last));
    assert.ok(written.length >= 1 && written.length < 12, JSON.stringify(written));
    assert.ok(
      written.every((file) => /^model\/part-\d+\.bin$/.test(file)),
      `only whole files remain: ${JSON.stringify(written)}`,
    );
    for (const file of written) {
      const local = readFileSync(path.join(target, file));
      assert.ok(local.equals(await blobBytes(`azureml/dl-cancel/${file}`)), `${file} is whole`);
    }

    await assert.rejects(
      downloadJobOutputs(arm, ws, 'dl-cancel', targetFolder(), { abortSignal: AbortSignal.abort() }),
      (error: unknown) => isCancellation(error),
    );
  });

  it("downloads the job's logs as run history serves them", async () => {
    await jobWithFiles('dl-logs');
    const details = await arm.runHistory(ws).getRunDetails('dl-logs');
    const logNames = Object.keys(details.logFiles).sort();
    assert.ok(logNames.includes('user_logs/std_log.txt'), JSON.stringify(logNames));

    const target = targetFolder();
    const progress: TransferProgress[] = [];
    const result = await downloadJobLogs(arm, ws, 'dl-logs', target, { onProgress: (p) => progress.push(p) });
    assert.deepEqual(filesUnder(target), logNames);
    for (const logName of logNames) {
      const served = await arm.readLogRange(details.logFiles[logName], 0);
      assert.ok(readFileSync(path.join(target, ...logName.split('/'))).equals(served.body), logName);
    }
    assert.match(readFileSync(path.join(target, 'user_logs', 'std_log.txt'), 'utf8'), /trained 42/);
    assert.deepEqual(
      result.runs.map((run) => [run.runId, run.step, run.status]),
      [['dl-logs', undefined, 'Completed']],
    );
    const total = result.logs.reduce((sum, log) => sum + log.bytes, 0);
    assert.equal(result.bytes, total);
    assert.deepEqual(progress.at(-1), {
      bytesDone: total,
      bytesTotal: total,
      filesDone: logNames.length,
      filesTotal: logNames.length,
    });
  });

  async function submitPipeline(name: string): Promise<void> {
    const wsId = workspaceId(ws);
    const step = (command: string) => ({
      type: 'command',
      command,
      environmentId: `${wsId}/environments/sklearn-env/versions/2`,
    });
    await arm.putJob(ws, name, {
      properties: {
        jobType: 'Pipeline',
        experimentName: 'download',
        computeId: `${wsId}/computes/cpu-cluster`,
        jobs: { prep: step('echo preparing'), train: step('echo training') },
      },
    });
    assert.equal(await finished(name), 'Completed');
  }

  it("puts each pipeline step's logs under the step's name", async () => {
    await submitPipeline('dl-pipeline');
    const target = targetFolder();
    const result = await downloadJobLogs(arm, ws, 'dl-pipeline', target);
    const files = filesUnder(target);
    assert.ok(files.includes('prep/user_logs/std_log.txt'), JSON.stringify(files));
    assert.ok(files.includes('train/user_logs/std_log.txt'), JSON.stringify(files));
    assert.match(readFileSync(path.join(target, 'prep', 'user_logs', 'std_log.txt'), 'utf8'), /preparing/);
    assert.match(readFileSync(path.join(target, 'train', 'user_logs', 'std_log.txt'), 'utf8'), /training/);
    assert.deepEqual(result.runs.map((run) => run.step).sort(), ['prep', 'train', undefined].sort());
    assert.equal(result.logs.length, files.length);
  });

  it('stops downloading logs when cancelled', async () => {
    await submitPipeline('dl-logs-cancel');
    const target = targetFolder();
    const controller = new AbortController();
    let last: TransferProgress | undefined;
    await assert.rejects(
      downloadJobLogs(arm, ws, 'dl-logs-cancel', target, {
        concurrency: 1,
        abortSignal: controller.signal,
        onProgress: (progress) => {
          last = progress;
          if (progress.filesDone === 1) controller.abort();
        },
      }),
      (error: unknown) => isCancellation(error),
    );
    assert.ok(last && last.filesTotal >= 2, JSON.stringify(last));
    assert.equal(filesUnder(target).length, 1);

    await assert.rejects(
      downloadJobLogs(arm, ws, 'dl-logs-cancel', targetFolder(), { abortSignal: AbortSignal.abort() }),
      (error: unknown) => isCancellation(error),
    );
  });
});
