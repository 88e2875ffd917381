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
