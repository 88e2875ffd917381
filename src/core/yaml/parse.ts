import {
  LineCounter,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type Node,
  type Pair,
} from '../lazy/yaml';
import type { YamlDiagnostic } from './diagnostic';

export interface ParsedYaml {
  readonly text: string;
  readonly document: Document.Parsed;
  readonly lineCounter: LineCounter;
  /** Syntax errors; when there are any, the value is not validated (its shape is a guess). */
  readonly syntaxErrors: readonly YamlDiagnostic[];
  /** The plain value, when the text parsed without errors. */
  readonly value: unknown;
}

/** `{{NAME}}` outside `${{…}}`: a template placeholder that a script was meant to substitute. */
const PLACEHOLDER = /(?<!\$)\{\{[^{}\n]*\}\}/g;

export function parseYaml(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const placeholders = unquotedPlaceholders(text);
  const syntaxErrors: YamlDiagnostic[] = placeholders.map(({ start, end, name }) => ({
    start,
    end,
    severity: 'error',
    code: 'placeholder',
    message:
      `\`${name}\` looks like a template placeholder that was not substituted: YAML reads \`{\` as the start of ` +
      'a mapping. Replace it with a value (or quote it) before using this file.',
  }));
  const placeholderLines = new Set(placeholders.map(({ start }) => lineCounter.linePos(start).line));
  // The parser reports what one mistake does to every line after it; the first report is the one to fix.
  const first = document.errors.find((error) => !placeholderLines.has(lineCounter.linePos(error.pos[0]).line));
  if (first) {
    const start = startOfNextContent(text, first.pos[0]);
    syntaxErrors.push({
      start,
      end: Math.max(first.pos[1], start + 1),
      severity: 'error',
      code: 'syntax',
      message: syntaxMessage(first.code, first.message),
      // More than one document is a mistake for Azure ML only; a general YAML tool reads them all.
      ...(first.code === 'MULTIPLE_DOCS' ? {} : { yamlParser: true as const }),
    });
  }
  if (syntaxErrors.length === 0 && hasComplexKey(document.contents)) {
    syntaxErrors.push({
      start: 0,
      end: 1,
      severity: 'error',
      code: 'syntax',
      message: 'Mapping keys must be plain values.',
    });
  }
  let value: unknown;
  if (syntaxErrors.length === 0) {
    try {
      value = document.toJS({ maxAliasCount: 100 });
    } catch (error) {
      // An alias to an anchor defined later, or one that expands too far: the text parses but has no value.
      syntaxErrors.push({
        start: 0,
        end: 1,
        severity: 'error',
        code: 'syntax',
        message: `YAML error: ${(error as Error).message}`,
      });
    }
  }
  return { text, document, lineCounter, syntaxErrors, value };
}

function unquotedPlaceholders(text: string): { start: number; end: number; name: string }[] {
  const found: { start: number; end: number; name: string }[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const lineStart = text.lastIndexOf('\n', match.index) + 1;
    const before = text.slice(lineStart, match.index);
    if (before.includes('#')) continue;
    // Only where a value starts does YAML read `{` as a mapping; inside a plain or quoted string it is text.
    if (!/(^|[:\-[,]\s*)$/.test(before.trimEnd() === '' ? '' : before)) continue;
    found.push({ start: match.index, end: match.index + match[0].length, name: match[0] });
  }
  return found;
}

/** An error reported at the end of a line is about what follows: the next line's first character. */
function startOfNextContent(text: string, offset: number): number {
  const rest = /^[ \t]*\r?\n\s*/.exec(text.slice(offset));
  return rest && offset + rest[0].length < text.length ? offset + rest[0].length : offset;
}

const INDENTATION =
  'The indentation does not line up: keys of one mapping must start in the same column, and a nested ' +
  'mapping must be indented further than its parent key.';

const SYNTAX_WORDING: Record<string, string> = {
  DUPLICATE_KEY: 'This key appears twice in the same mapping; keep one.',
  BAD_INDENT: 'The indentation is wrong here: keys of one mapping must line up.',
  MISSING_CHAR: 'A closing quote or bracket is missing.',
  TAB_AS_INDENT: 'Tabs cannot indent YAML; use spaces.',
  MULTIPLE_DOCS: 'The file holds more than one YAML document (`---`); Azure ML reads one.',
};

function syntaxMessage(code: string, message: string): string {
  const reason = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  if (
    /Implicit keys need to be on a single line|Nested mappings are not allowed in compact mappings|All mapping items must start at the same column|All collection items must start at the same column/.test(
      reason,
    )
  ) {
    return `${INDENTATION} (${reason})`;
  }
  const plain = SYNTAX_WORDING[code];
  return plain ? `${plain} (${reason})` : `YAML syntax error: ${reason}`;
}

/** A mapping key that is itself a mapping or list (`{ NAME }: …`): plain objects cannot hold one. */
export function hasComplexKey(node: unknown): boolean {
  if (isMap(node)) {
    return node.items.some((pair) => (pair.key !== null && !isScalar(pair.key)) || hasComplexKey(pair.value));
  }
  if (isSeq(node)) return node.items.some(hasComplexKey);
  return false;
}

/** The node at a JSON pointer of the value (as ajv reports it), with the pair that holds it. */
export function nodeAt(document: Document.Parsed, pointer: string): { node?: Node; pair?: Pair<Node, Node> } {
  const segments = pointer === '' ? [] : pointer.slice(1).split('/').map(unescapePointer);
  let node: unknown = document.contents;
  let pair: Pair<Node, Node> | undefined;
  for (const segment of segments) {
    if (isMap(node)) {
      pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === segment) as
        Pair<Node, Node> | undefined;
      if (!pair) return {};
      node = pair.value ?? undefined;
    } else if (isSeq(node)) {
      node = node.items[Number(segment)];
      pair = undefined;
      if (isPair(node)) return {};
    } else {
      return {};
    }
  }
  return { node: (node ?? undefined) as Node | undefined, pair };
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}
