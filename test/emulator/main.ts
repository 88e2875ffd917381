/**
 * CLI: `tsx test/emulator/main.ts --seed demo|scale|empty [--port N] [--page-size N] [--state-dir DIR]`.
 * Runs in the foreground, prints the connection, and stops everything on SIGINT/SIGTERM.
 */
import { startEmulator } from './index';
import type { EmulatorOptions } from './contracts';

function parseArgs(argv: string[]): EmulatorOptions {
  const options: EmulatorOptions = { seed: 'demo' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    const needValue = (): string => {
      if (value === undefined) throw new Error(`${flag} needs a value`);
      i++;
      return value;
    };
    switch (flag) {
      case '--seed': {
        const seed = needValue();
        if (seed !== 'demo' && seed !== 'scale' && seed !== 'empty')
          throw new Error(`--seed must be demo, scale or empty; got ${seed}`);
        options.seed = seed;
        break;
      }
      case '--port':
        options.port = positiveInt(flag, needValue(), true);
        break;
      case '--page-size':
        options.pageSize = positiveInt(flag, needValue(), false);
        break;
      case '--state-dir':
        options.stateDir = needValue();
        break;
      default:
        throw new Error(`Unknown argument ${flag}`);
    }
  }
  return options;
}

function positiveInt(flag: string, text: string, allowZero: boolean): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1))
    throw new Error(`${flag} must be an integer${allowZero ? ' >= 0' : ' >= 1'}`);
  return n;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const emulator = await startEmulator(options);
  process.stdout.write(`Azure ML emulator (${options.seed}) listening on ${emulator.origin}\n`);
  process.stdout.write(`${JSON.stringify(emulator.connection, null, 2)}\n`);
  if (!process.env.NODE_EXTRA_CA_CERTS) {
    process.stdout.write(`Clients must trust the certificate: NODE_EXTRA_CA_CERTS=${emulator.connection.caCertPath}\n`);
  }
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the emulator...\n`);
    emulator.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Stop failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
