/** Dates in tree items: UTC, to the minute, as the service stores them. */
export function formatDate(date: Date | string): string {
  const value = typeof date === 'string' ? new Date(date) : date;
  return Number.isNaN(value.getTime()) ? String(date) : value.toISOString().slice(0, 16).replace('T', ' ');
}
