import assert from 'node:assert/strict';
import { collect, startHarness, type Harness } from './harness';
import { SCALE_COUNTS } from '../../emulator/seeds/scale';

describe('emulator: scale seed', function () {
  this.timeout(120_000);
  let h: Harness;
  before(async () => {
    h = await startHarness({ seed: 'scale' });
  });
  after(async () => h?.stop());

  it('pages through 10,000 jobs, 2,000 model versions and 1,000 data versions', async () => {
    const client = h.client();
    let pages = 0;
    const names = new Set<string>();
    for await (const page of client.jobs.list('rg-scale', 'mlw-scale', { listViewType: 'All' }).byPage()) {
      pages++;
      for (const job of page) names.add(job.name ?? '');
    }
    assert.equal(names.size, SCALE_COUNTS.jobs);
    assert.equal(pages, SCALE_COUNTS.jobs / 100, 'default page size 100');
    let modelVersions = 0;
    for (const model of await collect(client.modelContainers.list('rg-scale', 'mlw-scale'))) {
      modelVersions += (await collect(client.modelVersions.list('rg-scale', 'mlw-scale', model.name ?? ''))).length;
    }
    assert.equal(modelVersions, SCALE_COUNTS.modelVersions);
    let dataVersions = 0;
    for (const data of await collect(client.dataContainers.list('rg-scale', 'mlw-scale'))) {
      dataVersions += (await collect(client.dataVersions.list('rg-scale', 'mlw-scale', data.name ?? ''))).length;
    }
    assert.equal(dataVersions, SCALE_COUNTS.dataVersions);
  });
});
