/** Where the cursor is, read from the text around it (which, while typing, is often not valid YAML). */
export type CursorContext =
  | {
      readonly at: 'key';
      /** The path of the mapping the key belongs to. */
      readonly path: readonly string[];
      readonly prefix: string;
      readonly replaceStart: number;
      readonly indent: number;
      readonly siblingKeys: readonly string[];
    }
  | {
      readonly at: 'value';
      /** The path of the key whose value is being typed. */
      readonly path: readonly string[];
      readonly prefix: string;
      readonly replaceStart: number;
    };

const KEY_TYPED = /^(\s*)(-\s+)?([\w$.-]*)$/;
const VALUE_TYPED = /^(\s*)(-\s+)?([\w$.-]+):\s+(\S*)$/;
const KEY_LINE = /^(\s*)(-\s+)?(["']?)([\w$.-]+)\3\s*:(\s|$)/;

export function cursorContext(text: string, offset: number): CursorContext | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = text.indexOf('\n', offset);
  const lines = text.split('\n');
  const lineIndex = text.slice(0, lineStart).split('\n').length - 1;
  const before = text.slice(lineStart, offset);
  if (before.includes('#')) return undefined;
  const asKey = KEY_TYPED.exec(before);
  if (asKey) {
    const dash = asKey[2]?.length ?? 0;
    const indent = asKey[1].length + dash;
    const path = parentPath(lines, lineIndex, indent, dash > 0 ? asKey[1].length : undefined);
    const rest = text.slice(offset, lineEnd === -1 ? text.length : lineEnd);
    if (/^[\w$.-]*\s*:/.test(rest) && asKey[3] === '' && rest.trim() !== '') return undefined;
    return {
      at: 'key',
      path,
      prefix: asKey[3],
      replaceStart: offset - asKey[3].length,
      indent,
      siblingKeys: siblingKeys(lines, lineIndex, indent),
    };
  }
  const asValue = VALUE_TYPED.exec(before);
  if (asValue) {
    const dash = asValue[2]?.length ?? 0;
    const indent = asValue[1].length + dash;
    const path = [...parentPath(lines, lineIndex, indent, dash > 0 ? asValue[1].length : undefined), asValue[3]];
    return { at: 'value', path, prefix: asValue[4], replaceStart: offset - asValue[4].length };
  }
  return undefined;
}

/** The path of the key on the line at `offset` (for hovers), or undefined when the line holds no key. */
export function keyPathAt(text: string, offset: number): { path: string[]; start: number; end: number } | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineIndex = text.slice(0, lineStart).split('\n').length - 1;
  const lines = text.split('\n');
  const match = KEY_LINE.exec(lines[lineIndex] ?? '');
  if (!match) return undefined;
  const dash = match[2]?.length ?? 0;
  const indent = match[1].length + dash;
  const keyStart = lineStart + indent + match[3].length;
  const keyEnd = keyStart + match[4].length;
  if (offset < lineStart + indent) return undefined;
  const path = [...parentPath(lines, lineIndex, indent, dash > 0 ? match[1].length : undefined), match[4]];
  return { path, start: keyStart, end: keyEnd };
}

/** Inside an open `${{ … ` on the cursor's line: the path of the value it is in and the expression typed so far. */
export function bindingContextAt(
  text: string,
  offset: number,
): { path: string[]; typed: string; replaceStart: number; closed: boolean } | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  const open = before.lastIndexOf('${{');
  if (open === -1 || before.indexOf('}}', open) !== -1) return undefined;
  const typedWithSpace = before.slice(open + 3);
  if (!/^\s*[\w.]*$/.test(typedWithSpace)) return undefined;
  const typed = typedWithSpace.trimStart();
  const lines = text.split('\n');
  const lineIndex = text.slice(0, lineStart).split('\n').length - 1;
  const own = keyPathAt(text, offset);
  const indent = /^\s*/.exec(lines[lineIndex])?.[0].length ?? 0;
  // A continuation line of a folded or literal value belongs to the key above it.
  const path = own?.path ?? parentPath(lines, lineIndex, indent, undefined);
  const lineEnd = text.indexOf('\n', offset);
  const after = text.slice(offset, lineEnd === -1 ? text.length : lineEnd);
  return { path, typed, replaceStart: offset - typed.length, closed: /^[\w.]*\s*\}\}/.test(after) };
}

/** Walks up by indentation: each less-indented `key:` is a parent, each `- ` a list item. */
function parentPath(lines: string[], lineIndex: number, indent: number, dashColumn: number | undefined): string[] {
  const path: string[] = [];
  let current = indent;
  if (dashColumn !== undefined) {
    path.unshift('0');
    current = dashColumn;
  }
  for (let index = lineIndex - 1; index >= 0 && current > 0; index--) {
    const line = lines[index];
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const match = /^(\s*)(-\s+)?(.*)$/.exec(line);
    if (!match) continue;
    const lineIndent = match[1].length;
    const keyColumn = lineIndent + (match[2]?.length ?? 0);
    if (match[2] && lineIndent < current && keyColumn >= current) {
      // A sibling key that opened this list item.
      path.unshift('0');
      current = lineIndent;
      continue;
    }
    if (keyColumn >= current) continue;
    const key = /^(["']?)([\w$.-]+)\1\s*:/.exec(match[3]);
    if (!key) break;
    path.unshift(key[2]);
    if (match[2]) path.unshift('0');
    current = lineIndent;
  }
  return path;
}

function siblingKeys(lines: string[], lineIndex: number, indent: number): string[] {
  const keys: string[] = [];
  const collect = (index: number): boolean => {
    const line = lines[index];
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return true;
    const match = /^(\s*)(-\s+)?(["']?)([\w$.-]+)\3\s*:/.exec(line);
    const lineIndent = /^\s*/.exec(line)?.[0].length ?? 0;
    const keyColumn = match ? match[1].length + (match[2]?.length ?? 0) : lineIndent;
    if (keyColumn < indent || (match?.[2] && keyColumn === indent && index !== lineIndex)) return false;
    if (match && keyColumn === indent) keys.push(match[4]);
    return true;
  };
  for (let index = lineIndex - 1; index >= 0 && collect(index); index--);
  for (let index = lineIndex + 1; index < lines.length && collect(index); index++);
  return keys;
}
