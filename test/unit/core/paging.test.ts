import assert from 'node:assert/strict';
import { readPages, type Page } from '../../../src/core/paging';

describe('core/paging: reading several pages', () => {
  const pages: Page<number>[] = [
    { items: [1, 2], continuationToken: 'b' },
    { items: [3], continuationToken: 'c' },
    { items: [4] },
  ];
  const read = async (token?: string) => pages[token ? token.charCodeAt(0) - 'a'.charCodeAt(0) : 0];

  it('follows the continuation tokens to the end of the list', async () => {
    assert.deepEqual(await readPages(read, 10), { items: [1, 2, 3, 4], complete: true });
  });

  it('stops after the page limit and says the list goes on', async () => {
    assert.deepEqual(await readPages(read, 2), { items: [1, 2, 3], complete: false });
  });
});
