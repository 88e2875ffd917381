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

/** When readPages stops before the list ends; one of the two limits is needed. */
export interface ReadPagesLimits {
  /** Stop after this many pages. */
  maxPages?: number;
  /** Stop once this many items have arrived (the page that reaches it is kept whole). */
  maxItems?: number;
  /**
   * A 404 on the first page means the list's owner does not exist yet (the versions of a model or data asset not
   * registered yet): read as an empty list rather than a failure.
   */
  notFoundIsEmpty?: boolean;
}

/** Reads pages until the list ends or a limit is reached; `complete` says whether the list ended. */
export async function readPages<T>(
  read: (continuationToken?: string) => Promise<Page<T>>,
  limits: ReadPagesLimits,
): Promise<{ items: T[]; complete: boolean }> {
  const { maxPages = Infinity, maxItems = Infinity } = limits;
  if (maxPages === Infinity && maxItems === Infinity) throw new Error('readPages needs maxPages or maxItems.');
  const items: T[] = [];
  let token: string | undefined;
  for (let page = 0; page < maxPages && items.length < maxItems; page++) {
    let next: Page<T>;
    try {
      next = await read(token);
    } catch (error) {
      if (page === 0 && limits.notFoundIsEmpty && (error as { statusCode?: number }).statusCode === 404)
        return { items, complete: true };
      throw error;
    }
    items.push(...next.items);
    token = next.continuationToken;
    if (!token) return { items, complete: true };
  }
  return { items, complete: false };
}
