/** Status groups a user filters by; each maps to the run-history statuses it covers. */
export const STATUS_GROUPS = {
  Active: ['NotStarted', 'Queued', 'Preparing', 'Provisioning', 'Starting', 'Running', 'Finalizing', 'CancelRequested'],
  Completed: ['Completed'],
  Failed: ['Failed', 'NotResponding'],
  Canceled: ['Canceled'],
} as const;
export type StatusGroup = keyof typeof STATUS_GROUPS;

const TERMINAL = new Set<string>([...STATUS_GROUPS.Completed, ...STATUS_GROUPS.Failed, ...STATUS_GROUPS.Canceled]);

/** True while a job can still change: the views poll these. */
export function isActiveStatus(status: string): boolean {
  return !TERMINAL.has(status);
}

/** What a group covers beyond its name ("Failed" also covers NotResponding), for the filter's picker. */
export function describeStatusGroup(group: StatusGroup): string | undefined {
  const others = STATUS_GROUPS[group].filter((status) => status !== group);
  if (others.length === 0) return undefined;
  return others.length < STATUS_GROUPS[group].length ? `also ${others.join(', ')}` : others.join(', ');
}

/** "3m 12s", "1h 05m": how long a job ran, or has been running (`now` for live jobs). */
export function formatDuration(
  times: { startTimeUtc?: string; endTimeUtc?: string },
  now = Date.now(),
): string | undefined {
  if (!times.startTimeUtc) return undefined;
  const start = Date.parse(times.startTimeUtc);
  const end = times.endTimeUtc ? Date.parse(times.endTimeUtc) : now;
  if (Number.isNaN(start) || Number.isNaN(end)) return undefined;
  const seconds = Math.max(0, Math.round((end - start) / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  const hours = Math.floor(minutes / 60);
  return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
}
