// Types for the emulator-process helpers, so TypeScript test code can import them.
import type { EmulatorConnection } from '../../test/emulator/contracts.js';

interface EmulatorProcessOptions {
  seed: 'demo' | 'scale' | 'empty';
  stateDir?: string;
  port?: number;
  extraArgs?: string[];
}

export function startEmulatorProcess(
  options: EmulatorProcessOptions,
): Promise<{ connection: EmulatorConnection; stop(): Promise<void> }>;
export function withEmulatorProcess<T>(
  options: EmulatorProcessOptions,
  use: (connection: EmulatorConnection) => Promise<T>,
): Promise<T>;
export function emulatorEnvironment(connection: EmulatorConnection): Record<string, string>;
export function emulatorSettings(connection: EmulatorConnection): Record<string, unknown>;
