import { fieldsOf } from './kinds';

/**
 * The log line's detail beyond the message: error class, HTTP status and service code, and the
 * causes behind it, one line each. No stack: what a user or a support engineer can act on.
 */
export function errorDetail(error: unknown): string | undefined {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    const fields = fieldsOf(current);
    const facts = [
      fields.name,
      fields.statusCode !== undefined ? `HTTP ${fields.statusCode}` : undefined,
      fields.code && `code ${fields.code}`,
    ].filter(Boolean);
    const text = `${depth === 0 ? '' : 'caused by: '}${facts.join(', ')}${depth === 0 ? '' : `: ${fields.message.split('\n')[0]}`}`;
    if (text.trim()) lines.push(text);
    current = (current as { cause?: unknown }).cause;
  }
  return lines.length > 0 ? lines.join('\n') : undefined;
}
