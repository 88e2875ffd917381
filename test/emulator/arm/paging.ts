/**
 * ARM paging: `{ value, nextLink }` where nextLink is absolute, keeps the original query (api-version,
 * filters) and carries an opaque `$skip` continuation token.
 */
import { ArmError } from '../http';

export const DEFAULT_PAGE_SIZE = 100;

export interface Page<T> {
  value: T[];
  nextLink?: string;
}

export function paginate<T>(items: T[], url: URL, origin: string, pageSize: number): Page<T> {
  const offset = decodeSkipToken(url.searchParams.get('$skip'));
  const value = items.slice(offset, offset + pageSize);
  const page: Page<T> = { value };
  if (offset + pageSize < items.length) {
    const next = new URL(url.pathname + url.search, origin);
    next.searchParams.set('$skip', encodeSkipToken(offset + pageSize));
    page.nextLink = next.toString();
  }
  return page;
}

function encodeSkipToken(offset: number): string {
  return Buffer.from(JSON.stringify({ v: 1, o: offset })).toString('base64url');
}

function decodeSkipToken(token: string | null): number {
  if (token === null || token === '') return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0) return parsed.o;
  } catch {
    // fall through to the error below
  }
  throw new ArmError(400, 'UserError', `The continuation token '$skip=${token}' is not valid.`);
}
