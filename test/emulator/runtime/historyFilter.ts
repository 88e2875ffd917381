/**
 * The OData `$filter` subset run history's query routes accept:
 *
 *   filter     := or
 *   or         := and ('or' and)*
 *   and        := unary ('and' unary)*
 *   unary      := 'not' unary | primary
 *   primary    := '(' or ')' | 'contains' '(' property ',' string ')' | property ('eq' | 'ne') (string | 'null')
 *   property   := name | dictionary '/' key
 *   string     := "'" characters, with '' for a quote "'"
 *
 * Keywords and property names are case-insensitive; `contains` ignores case. Errors name the problem and
 * its 0-based position in the filter text.
 */

/** Which properties a filter may name; names are canonical and matched case-insensitively. */
export interface FilterSchema {
  properties: readonly string[];
  /** Properties addressed with a key, `Tags/owner`. */
  dictionaries?: readonly string[];
  /** Properties whose `eq`/`ne` ignore case (Status). */
  caseInsensitive?: readonly string[];
}

export interface FilterProperty {
  /** Canonical name from the schema. */
  name: string;
  /** The key of a dictionary property. */
  key?: string;
}

export type FilterExpr =
  | { kind: 'and' | 'or'; left: FilterExpr; right: FilterExpr }
  | { kind: 'not'; operand: FilterExpr }
  | { kind: 'compare'; op: 'eq' | 'ne'; property: FilterProperty; value: string | null; ignoreCase: boolean }
  | { kind: 'contains'; property: FilterProperty; text: string };

/** Reads a property of the item being tested; null when it has none. */
export type PropertyReader = (property: FilterProperty) => string | null;

export class FilterError extends Error {
  constructor(
    readonly reason: string,
    readonly position: number,
  ) {
    super(`${reason} at position ${position}`);
  }
}

type Token =
  | { type: 'word'; text: string; position: number }
  | { type: 'string'; value: string; position: number }
  | { type: '(' | ')' | ',' | '/' | 'end'; position: number }
  /** Where the text stops being tokens; raised only when the parser gets there, so errors come in reading order. */
  | { type: 'error'; error: FilterError; position: number };

const PUNCTUATION = new Set(['(', ')', ',', '/']);
const WORD_CHAR = /[A-Za-z0-9_.-]/;

export function parseFilter(text: string, schema: FilterSchema): FilterExpr {
  return new Parser(tokenize(text), schema).parse();
}

export function matchesFilter(expr: FilterExpr, read: PropertyReader): boolean {
  switch (expr.kind) {
    case 'and':
      return matchesFilter(expr.left, read) && matchesFilter(expr.right, read);
    case 'or':
      return matchesFilter(expr.left, read) || matchesFilter(expr.right, read);
    case 'not':
      return !matchesFilter(expr.operand, read);
    case 'contains': {
      const value = read(expr.property);
      return value !== null && value.toLowerCase().includes(expr.text.toLowerCase());
    }
    case 'compare': {
      const value = read(expr.property);
      // OData's null semantics: `x eq 'a'` is false and `x ne 'a'` true when x is null.
      const equal =
        value === null || expr.value === null
          ? value === expr.value
          : expr.ignoreCase
            ? value.toLowerCase() === expr.value.toLowerCase()
            : value === expr.value;
      return expr.op === 'eq' ? equal : !equal;
    }
  }
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  try {
    readTokens(text, tokens);
  } catch (error) {
    if (!(error instanceof FilterError)) throw error;
    tokens.push({ type: 'error', error, position: error.position });
  }
  return tokens;
}

function readTokens(text: string, tokens: Token[]): void {
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (/\s/.test(char)) {
      i++;
    } else if (PUNCTUATION.has(char)) {
      tokens.push({ type: char as '(' | ')' | ',' | '/', position: i });
      i++;
    } else if (char === "'") {
      const start = i;
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new FilterError('unterminated string literal', start);
        if (text[i] === "'") {
          if (text[i + 1] !== "'") break;
          value += "'";
          i += 2;
        } else {
          value += text[i];
          i++;
        }
      }
      i++;
      tokens.push({ type: 'string', value, position: start });
    } else if (WORD_CHAR.test(char)) {
      const start = i;
      while (i < text.length && WORD_CHAR.test(text[i])) i++;
      tokens.push({ type: 'word', text: text.slice(start, i), position: start });
    } else {
      throw new FilterError(`unexpected character '${char}'`, i);
    }
  }
  tokens.push({ type: 'end', position: text.length });
}

function describe(token: Token): string {
  if (token.type === 'end') return 'the end of the filter';
  if (token.type === 'word') return `'${token.text}'`;
  if (token.type === 'string') return 'a string literal';
  return `'${token.type}'`;
}

class Parser {
  private index = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly schema: FilterSchema,
  ) {}

  parse(): FilterExpr {
    const expr = this.or();
    const next = this.peek();
    if (next.type !== 'end') throw this.unexpected(next, "'and', 'or' or the end of the filter");
    return expr;
  }

  private or(): FilterExpr {
    let left = this.and();
    while (this.atKeyword('or')) {
      this.index++;
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): FilterExpr {
    let left = this.unary();
    while (this.atKeyword('and')) {
      this.index++;
      left = { kind: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): FilterExpr {
    if (this.atKeyword('not')) {
      this.index++;
      return { kind: 'not', operand: this.unary() };
    }
    return this.primary();
  }

  private primary(): FilterExpr {
    const token = this.peek();
    if (token.type === '(') {
      this.index++;
      const expr = this.or();
      this.expect(')');
      return expr;
    }
    if (token.type !== 'word') throw this.unexpected(token, "a property, 'contains', 'not' or '('");
    if (this.tokens[this.index + 1]?.type === '(') return this.call(token);
    const property = this.property();
    const operator = this.peek();
    if (operator.type !== 'word') throw this.unexpected(operator, "an operator ('eq' or 'ne')");
    const op = operator.text.toLowerCase();
    if (op !== 'eq' && op !== 'ne') {
      throw new FilterError(`unknown operator '${operator.text}' (supported: eq, ne)`, operator.position);
    }
    this.index++;
    const value = this.peek();
    this.index++;
    const ignoreCase = (this.schema.caseInsensitive ?? []).includes(property.name);
    if (value.type === 'string') return { kind: 'compare', op, property, value: value.value, ignoreCase };
    if (value.type === 'word' && value.text.toLowerCase() === 'null') {
      return { kind: 'compare', op, property, value: null, ignoreCase };
    }
    throw this.unexpected(value, 'a string literal or null');
  }

  /** `contains(Property,'text')`, the one function supported. */
  private call(name: Extract<Token, { type: 'word' }>): FilterExpr {
    if (name.text.toLowerCase() !== 'contains') {
      throw new FilterError(`unknown function '${name.text}' (supported: contains)`, name.position);
    }
    this.index += 2;
    const property = this.property();
    this.expect(',');
    const text = this.peek();
    if (text.type !== 'string') throw this.unexpected(text, 'a string literal');
    this.index++;
    this.expect(')');
    return { kind: 'contains', property, text: text.value };
  }

  private property(): FilterProperty {
    const token = this.peek();
    if (token.type !== 'word') throw this.unexpected(token, 'a property name');
    this.index++;
    if (this.peek().type === '/') {
      const name = findName(this.schema.dictionaries ?? [], token.text);
      if (!name) throw new FilterError(`unknown property '${token.text}/...'`, token.position);
      this.index++;
      const key = this.peek();
      if (key.type !== 'word') throw this.unexpected(key, `a key after '${name}/'`);
      this.index++;
      return { name, key: key.text };
    }
    const name = findName(this.schema.properties, token.text);
    if (!name) {
      const keyed = findName(this.schema.dictionaries ?? [], token.text);
      throw new FilterError(
        keyed ? `property '${keyed}' needs a key, e.g. '${keyed}/name'` : `unknown property '${token.text}'`,
        token.position,
      );
    }
    return { name };
  }

  private peek(): Token {
    const token = this.tokens[this.index];
    if (token.type === 'error') throw token.error;
    return token;
  }

  private atKeyword(keyword: string): boolean {
    const token = this.peek();
    return token.type === 'word' && token.text.toLowerCase() === keyword;
  }

  private expect(type: ')' | ','): void {
    const token = this.peek();
    if (token.type !== type) throw this.unexpected(token, `'${type}'`);
    this.index++;
  }

  private unexpected(token: Token, expected: string): FilterError {
    return new FilterError(`expected ${expected} but found ${describe(token)}`, token.position);
  }
}

function findName(names: readonly string[], text: string): string | undefined {
  const wanted = text.toLowerCase();
  return names.find((name) => name.toLowerCase() === wanted);
}
