/**
 * Child process of storeCrash.test.ts: opens the project, then labels `step-<n>` items one after another,
 * printing `ack <n>` once each change is durable, until it is killed.
 */
import { LabelStore } from '../../../../src/core/labeling/store';

async function main(): Promise<void> {
  const store = await LabelStore.open(process.argv[2]);
  if (store.corruptLines.length > 0) throw new Error(`corrupt lines at start: ${store.corruptLines.length}`);
  const done = store.annotations().filter((record) => record.item.startsWith('step-')).length;
  process.stdout.write(`start ${done}\n`);
  for (let step = done; ; step++) {
    await store.setClasses(`step-${step}`, [step % 2 ? 'cat' : 'dog']);
    process.stdout.write(`ack ${step}\n`);
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
