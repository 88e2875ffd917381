/** One page of a list: what arrived, and the token for the next page while there is one. */
export interface Page<T> {
  items: T[];
  continuationToken?: string;
}

export function mapPage<T, U>(page: Page<T>, map: (item: T) => U): Page<U> {
  return { items: page.items.map(map), continuationToken: page.continuationToken };
}

/** Keeps the token: a filtered page may be empty while later pages are not. */
export function filterPage<T>(page: Page<T>, keep: (item: T) => boolean): Page<T> {
  return { items: page.items.filter(keep), continuationToken: page.continuationToken };
}

/** Reads pages until the list ends or `maxPages` were read; `complete` says whether the list ended. */
export async function readPages<T>(
  read: (continuationToken?: string) => Promise<Page<T>>,
  maxPages: number,
): Promise<{ items: T[]; complete: boolean }> {
  const items: T[] = [];
  let token: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const next = await read(token);
    items.push(...next.items);
    token = next.continuationToken;
    if (!token) return { items, complete: true };
  }
  return { items, complete: false };
}
