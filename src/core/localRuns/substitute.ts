/**
 * A step's command as the shell runs it: `${{inputs.x}}` and `${{outputs.y}}` replaced by their values, and
 * `$[[ … ]]` blocks kept (without the brackets) only when every input they name has a value, as Azure ML does.
 */

/** A command that cannot be completed: an input it needs has no value, or it names something unknown. */
export class CommandSubstitutionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandSubstitutionError';
  }
}

const OPTIONAL_BLOCK = /\$\[\[([\s\S]*?)\]\]/g;
const EXPRESSION = /\$\{\{\s*([^}]*?)\s*\}\}/g;
const INPUT_REFERENCE = /\$\{\{\s*inputs\.([\w.-]+)\s*\}\}/g;
/** Characters that need no quoting in a POSIX shell word. */
const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function substituteCommand(
  command: string,
  inputs: Record<string, string | undefined>,
  outputs: Record<string, string>,
): string {
  const given = (name: string) => Object.hasOwn(inputs, name) && inputs[name] !== undefined;
  const resolved = command.replace(OPTIONAL_BLOCK, (_block, body: string) =>
    [...body.matchAll(INPUT_REFERENCE)].every((match) => given(match[1])) ? body : '',
  );
  let result = '';
  let last = 0;
  for (const match of resolved.matchAll(EXPRESSION)) {
    const start = match.index;
    const expression = match[1];
    const reference = /^(inputs|outputs)\.([\w.-]+)$/.exec(expression);
    if (!reference)
      throw new CommandSubstitutionError(`The command uses \${{${expression}}}, which a local run cannot fill in.`);
    const [, direction, name] = reference;
    let value: string;
    if (direction === 'inputs') {
      if (!given(name))
        throw new CommandSubstitutionError(
          `The command uses \${{inputs.${name}}}, but input \`${name}\` has no value; give it one, or put the part that uses it in an optional $[[ … ]] block.`,
        );
      value = inputs[name]!;
    } else {
      if (!Object.hasOwn(outputs, name))
        throw new CommandSubstitutionError(
          `The command uses \${{outputs.${name}}}, but the step declares no output \`${name}\`.`,
        );
      value = outputs[name];
    }
    result += resolved.slice(last, start) + quoteFor(quoteContext(resolved, start), value);
    last = start + match[0].length;
  }
  return result + resolved.slice(last);
}

type QuoteContext = 'none' | 'single' | 'double';

/** Whether `position` in a shell command is outside quotes, inside '…' or inside "…". */
function quoteContext(command: string, position: number): QuoteContext {
  let context: QuoteContext = 'none';
  for (let index = 0; index < position; index++) {
    const character = command[index];
    if (context === 'single') {
      if (character === "'") context = 'none';
    } else if (character === '\\') {
      index++;
    } else if (context === 'double') {
      if (character === '"') context = 'none';
    } else if (character === "'") {
      context = 'single';
    } else if (character === '"') {
      context = 'double';
    }
  }
  return context;
}

/** A value written so the shell reads it back as one word, exactly, wherever it stands. */
function quoteFor(context: QuoteContext, value: string): string {
  if (context === 'single') return value.replace(/'/g, `'\\''`);
  if (context === 'double') return value.replace(/[\\"$`]/g, '\\$&');
  return shellQuote(value);
}

/** POSIX quoting: plain words stay as they are; anything else goes in single quotes. */
export function shellQuote(value: string): string {
  if (PLAIN_WORD.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
