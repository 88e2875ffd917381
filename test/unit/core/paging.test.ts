import assert from 'node:assert/strict';
import { readPages, type Page } from '../../../src/core/paging';

describe('core/paging: reading several pages', () => {
  const pages: Page<number>[] = [
    { items: [1, 2], continuationToken: 'b' },
    { items: [3], continuationToken: 'c' },
    { items: [4] },
  ];
  const read = async (token?: string) => pages[token ? token.charCodeAt(0) - 'a'.charCodeAt(0) : 0];
  const failing = (statusCode: number, onPage: number) => {
    let calls = 0;
    return async (token?: string) => {
      if (calls++ === onPage) throw Object.assign(new Error(`HTTP ${statusCode}`), { statusCode });
      return read(token);
    };
  };

  it('follows the continuation tokens to the end of the list', async () => {
    assert.deepEqual(await readPages(read, { maxPages: 10 }), { items: [1, 2, 3, 4], complete: true });
  });

  it('stops after the page limit and says the list goes on', async () => {
    assert.deepEqual(await readPages(read, { maxPages: 2 }), { items: [1, 2, 3], complete: false });
  });

  it('stops once the item limit is reached, keeping the page that reached it whole', async () => {
    assert.deepEqual(await readPages(read, { maxItems: 2 }), { items: [1, 2], complete: false });
    assert.deepEqual(await readPages(read, { maxItems: 3 }), { items: [1, 2, 3], complete: false });
    assert.deepEqual(await readPages(read, { maxItems: 50 }), { items: [1, 2, 3, 4], complete: true });
  });

  it('reads a 404 on the first page as an empty list only when asked to', async () => {
    assert.deepEqual(await readPages(failing(404, 0), { maxItems: 10, notFoundIsEmpty: true }), {
      items: [],
      complete: true,
    });
    await assert.rejects(readPages(failing(404, 0), { maxItems: 10 }), /HTTP 404/);
  });

  it('passes on other failures, and a 404 after the first page', async () => {
    await assert.rejects(readPages(failing(403, 0), { maxItems: 10, notFoundIsEmpty: true }), /HTTP 403/);
    await assert.rejects(readPages(failing(404, 1), { maxItems: 10, notFoundIsEmpty: true }), /HTTP 404/);
  });

  it('refuses to read without a limit', async () => {
    await assert.rejects(readPages(read, {}), /needs maxPages or maxItems/);
  });
});
