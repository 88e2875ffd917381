/**
 * In-memory ARM resource store. Ids compare case-insensitively like ARM; children are indexed by
 * parent + segment so listing 10,000 jobs does not scan the whole store.
 */
import type { ArmResource, ResourceStore } from './contracts';

export class MemoryResourceStore implements ResourceStore {
  private readonly byId = new Map<string, ArmResource>();
  /** key: lower(parentId) + "/" + lower(segment) → lower(name) → resource, in insertion order. */
  private readonly childIndex = new Map<string, Map<string, ArmResource>>();

  get(id: string): ArmResource | undefined {
    return this.byId.get(id.toLowerCase());
  }

  put(resource: ArmResource): void {
    const key = resource.id.toLowerCase();
    this.byId.set(key, resource);
    const split = splitChildId(resource.id);
    if (!split) return;
    const indexKey = `${split.parentId}/${split.segment}`.toLowerCase();
    let siblings = this.childIndex.get(indexKey);
    if (!siblings) {
      siblings = new Map();
      this.childIndex.set(indexKey, siblings);
    }
    siblings.set(split.name.toLowerCase(), resource);
  }

  /** Removes one resource (not its children); false when there was none. */
  delete(id: string): boolean {
    const key = id.toLowerCase();
    if (!this.byId.delete(key)) return false;
    const split = splitChildId(id);
    if (split)
      this.childIndex.get(`${split.parentId}/${split.segment}`.toLowerCase())?.delete(split.name.toLowerCase());
    return true;
  }

  children(parentId: string, childSegment: string): ArmResource[] {
    const siblings = this.childIndex.get(`${trimSlash(parentId)}/${childSegment}`.toLowerCase());
    return siblings ? [...siblings.values()] : [];
  }

  /** Every resource whose id starts with the prefix (used for subscription-wide workspace lists). */
  withType(type: string): ArmResource[] {
    const wanted = type.toLowerCase();
    return [...this.byId.values()].filter((r) => r.type.toLowerCase() === wanted);
  }
}

function trimSlash(id: string): string {
  return id.endsWith('/') ? id.slice(0, -1) : id;
}

/** ".../parent/{segment}/{name}" → parts; undefined for ids too short to have a parent. */
function splitChildId(id: string): { parentId: string; segment: string; name: string } | undefined {
  const parts = trimSlash(id).split('/');
  if (parts.length < 4) return undefined;
  const name = parts[parts.length - 1];
  const segment = parts[parts.length - 2];
  return { parentId: parts.slice(0, -2).join('/'), segment, name };
}
