/**
 * Finds the item an imported record is about, from whatever path or URL the file gives it
 * (`azureml://…/paths/data/img/1.jpg`, `/mnt/batch/…/img/1.jpg`, `img\1.jpg`, `1.jpg`): the item with exactly
 * that id, else the one item whose id is a whole-segment suffix of the reference (or the other way round),
 * else the one item with the same file name. An ambiguous reference matches nothing rather than a guess.
 */
import type { LabelItem } from '../items';
import type { SuggestionInput } from '../store';

export interface ImportResult {
  /** Item id → its suggestions; hand to LabelStore.setSuggestions. */
  suggestions: Map<string, SuggestionInput[]>;
  /** References that matched no item (or several). */
  unmatched: string[];
  /** Label names the predictions use that the project's label set lacks. */
  unknownLabels: string[];
  /** Records that could not be read, and why. */
  ignored: { where: string; reason: string }[];
}

export function emptyImportResult(): ImportResult {
  return { suggestions: new Map(), unmatched: [], unknownLabels: [], ignored: [] };
}

/** Collects a result's suggestions and the labels they use that the set lacks. */
export function addSuggestion(
  result: ImportResult,
  known: ReadonlySet<string>,
  item: string,
  suggestion: SuggestionInput,
) {
  const list = result.suggestions.get(item) ?? [];
  list.push(suggestion);
  result.suggestions.set(item, list);
  if (!known.has(suggestion.label) && !result.unknownLabels.includes(suggestion.label))
    result.unknownLabels.push(suggestion.label);
}

export function normalizeReference(reference: string): string {
  let path = reference.trim();
  const datastorePath = /\/paths\/(.*)$/.exec(path);
  if (/^azureml:\/\//i.test(path) && datastorePath) path = datastorePath[1];
  else path = path.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  path = path.replace(/[?#].*$/, '');
  try {
    path = decodeURIComponent(path);
  } catch {
    // Not percent-encoded after all: keep it as it is.
  }
  return path
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/^\/+/, '');
}

export function itemMatcher(items: readonly LabelItem[]): (reference: string) => string | undefined {
  const ids = new Set(items.map((item) => item.id));
  const byName = new Map<string, string[]>();
  for (const item of items) {
    const name = item.id.slice(item.id.lastIndexOf('/') + 1);
    byName.set(name, [...(byName.get(name) ?? []), item.id]);
  }
  return (reference) => {
    const path = normalizeReference(reference);
    if (!path) return undefined;
    if (ids.has(path)) return path;
    const name = path.slice(path.lastIndexOf('/') + 1);
    const sameName = byName.get(name) ?? [];
    const suffix = sameName.filter((id) => path.endsWith(`/${id}`) || id.endsWith(`/${path}`));
    if (suffix.length === 1) return suffix[0];
    if (suffix.length > 1) {
      // The longest shared suffix wins when it is unique (data/a/x.jpg vs a/x.jpg both end the reference).
      const longest = Math.max(...suffix.map((id) => id.length));
      const best = suffix.filter((id) => id.length === longest);
      return best.length === 1 && path.endsWith(best[0]) ? best[0] : undefined;
    }
    return sameName.length === 1 ? sameName[0] : undefined;
  };
}
