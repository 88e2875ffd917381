/**
 * What a tree row shows, as plain data. Nodes describe themselves with this and ExplorerTree turns
 * it into a vscode.TreeItem, so every node can be unit-tested without VS Code.
 */
export interface TreeItemSpec {
  label: string;
  /** Stable identity: VS Code keeps selection and expansion across refreshes by it. */
  id?: string;
  description?: string;
  tooltip?: string | { markdown: string };
  icon?: { id: string; color?: string };
  collapsible?: 'none' | 'collapsed' | 'expanded';
  contextValue?: string;
  command?: { command: string; title: string; arguments?: unknown[] };
}

/** Dates in tree items: UTC, to the minute, as the service stores them. */
export function formatDate(date: Date | string): string {
  const value = typeof date === 'string' ? new Date(date) : date;
  return Number.isNaN(value.getTime()) ? String(date) : value.toISOString().slice(0, 16).replace('T', ' ');
}

/** Lines of a Markdown tooltip, empty ones left out. */
export function markdownLines(...lines: (string | undefined | false)[]): { markdown: string } {
  return { markdown: lines.filter(Boolean).join('\n\n') };
}

/** Parts of a description, joined with a middle dot, empty ones left out. */
export function joinParts(...parts: (string | undefined | false)[]): string {
  return parts.filter(Boolean).join(' · ');
}
