import type { StudioTarget } from '../../core/azure/studio';

/**
 * Implemented by nodes that stand for one Azure ML resource: the item actions (copy id, copy
 * reference, open in studio, show details) read what they need from here.
 */
export interface ResourceItem {
  readonly resourceId: string;
  /** The studio page, where studio has one. */
  readonly studioTarget?: StudioTarget;
}

export function isResourceItem(node: unknown): node is ResourceItem {
  return typeof node === 'object' && node !== null && typeof (node as ResourceItem).resourceId === 'string';
}
