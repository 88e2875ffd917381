import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LabelStore } from '../../../../src/core/labeling/store';
import { temporaryFolder } from './helpers';

/** Runs the write loop until it has acknowledged `acks` more changes, then kills it; returns the last acknowledged step. */
function runAndKill(
  projectFile: string,
  acks: number,
  extraDelayMs: number,
): Promise<{ start: number; lastAck: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--require', require.resolve('tsx/cjs'), join(__dirname, 'writeLoop.ts'), projectFile],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    let errors = '';
    let start = -1;
    let lastAck = -1;
    let seen = 0;
    let killing = false;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const lines = output.split('\n');
      output = lines.pop() ?? '';
      for (const line of lines) {
        const [word, value] = line.split(' ');
        if (word === 'start') start = Number(value);
        if (word === 'ack') {
          lastAck = Number(value);
          seen++;
        }
      }
      if (seen >= acks && !killing) {
        killing = true;
        // A little later, so the kill lands at a different point of a write each round.
        setTimeout(() => child.kill('SIGKILL'), extraDelayMs);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ start, lastAck });
      else reject(new Error(`the write loop exited with ${code}: ${errors}`));
    });
  });
}

describe('labeling store killed mid-write', function () {
  this.timeout(120000);
  let folder: ReturnType<typeof temporaryFolder>;
  before(() => {
    folder = temporaryFolder();
  });
  after(() => folder.remove());

  it('leaves a complete old or new file every time, with every acknowledged change in it', async () => {
    const projectFile = join(folder.path, 'crash.labels.json');
    const store = await LabelStore.create(projectFile, {
      task: 'image-classification',
      labels: [{ name: 'cat' }, { name: 'dog' }],
      source: { kind: 'folder', path: 'images' },
    });
    // Enough records that each rewrite takes a while, so kills land inside writes.
    await Promise.all(Array.from({ length: 3000 }, (_, index) => store.setClasses(`base-${index}`, ['cat'])));
    const annotations = join(folder.path, 'crash.labels.jsonl');

    let expectedStart = 0;
    for (let round = 0; round < 6; round++) {
      const { start, lastAck } = await runAndKill(projectFile, 15 + round * 7, round * 3);
      assert.equal(start, expectedStart, 'each run starts from everything the previous one acknowledged (or one more)');
      assert.ok(lastAck >= start, 'the child acknowledged changes before it was killed');

      const text = readFileSync(annotations, 'utf8');
      assert.ok(text.endsWith('\n'), 'the file ends with a whole line');
      const records = text
        .split('\n')
        .filter((line) => line)
        .map((line) => JSON.parse(line) as { item: string });
      const steps = records.filter((record) => record.item.startsWith('step-')).length;
      assert.equal(records.length - steps, 3000, 'the earlier records are all there');
      // Steps are written in order, one at a time: on disk is the state after the last acknowledged step,
      // or after the one being written when the kill came.
      assert.ok(steps === lastAck + 1 || steps === lastAck + 2, `steps on disk ${steps}, last acknowledged ${lastAck}`);
      const reopened = await LabelStore.open(projectFile);
      assert.deepEqual(reopened.corruptLines, []);
      for (let step = 0; step < steps; step++) assert.ok(reopened.annotation(`step-${step}`), `step-${step} is there`);
      expectedStart = steps;
    }
    assert.deepEqual(
      readdirSync(folder.path).filter((name) => name.includes('.tmp-')),
      [],
      'opening removes what killed writers left behind',
    );
  });
});
