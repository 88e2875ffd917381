/** The command line's flags: `--name value`, `--name=value`, and `--name` / `--no-name` for switches. */
export interface FlagSpec {
  /** Flags that take a value. */
  readonly values: readonly string[];
  /** Flags that are on or off. */
  readonly switches?: readonly string[];
}

export interface ParsedArgs {
  readonly values: Map<string, string>;
  readonly switches: Map<string, boolean>;
  readonly positional: string[];
}

export class UsageError extends Error {}

export function parseArgs(args: readonly string[], spec: FlagSpec): ParsedArgs {
  const values = new Map<string, string>();
  const switches = new Map<string, boolean>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (spec.values.includes(name)) {
      const value = inline ?? args[++i];
      if (value === undefined || (inline === undefined && value.startsWith('--')))
        throw new UsageError(`--${name} needs a value.`);
      values.set(name, value);
    } else if (spec.switches?.includes(name) && inline === undefined) {
      switches.set(name, true);
    } else if (name.startsWith('no-') && spec.switches?.includes(name.slice(3)) && inline === undefined) {
      switches.set(name.slice(3), false);
    } else {
      throw new UsageError(`Unknown option --${name}.`);
    }
  }
  return { values, switches, positional };
}
