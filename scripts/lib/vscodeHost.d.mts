// Types for the test-host helpers, so TypeScript test code can import them.
import type { Browser } from 'playwright-core';

export const repoRoot: string;
export const chromiumPath: string;
export function ensureHost(): { vscodeDir: string };
export interface SystemPackage {
  name: string;
  present(): boolean;
}
export const pythonClientPackages: SystemPackage[];
export function ensureSystemPackages(systemPackages?: SystemPackage[], purpose?: string): void;
export function freePort(): Promise<number>;
export function installVsix(vsix: string, extensionsDir: string): void;
export function prepareProfile(userDataDir: string, settings?: Record<string, unknown>): void;
export function startServer(options: {
  host?: string;
  port?: number;
  userDataDir: string;
  extensionsDir: string;
  env?: Record<string, string>;
  logFile?: string;
}): Promise<{ url: string; port: number; stop(): Promise<void> }>;
export function workbenchUrl(
  serverUrl: string,
  options: { folder: string; extensionDevelopmentPath?: string; extensionTestsPath?: string },
): string;
export function launchBrowser(): Promise<Browser>;
