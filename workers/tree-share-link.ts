/**
 * A forest fit's shared trees across the worker boundary (protocol's TreeShareLink): the train
 * worker turns the page's link into core's TreeSharing, and both sides transfer trees rather
 * than copy them. Types and comlink only, so the page can import it.
 */
import { transfer } from 'comlink';
import type { TreeSharing } from '../src/core/models/forest/tree-share';
import type { FlatTree } from '../src/core/models/tree/flat-tree';
import type { SharedTree, TreeShareLink } from './protocol';

/** The fit's side: the matrix goes to the page as a transferred copy; null when no helper may join. */
export function shareThrough(link: TreeShareLink): TreeSharing {
  return async (X, y, params) => {
    const data = X.data.slice();
    const yCopy = y.slice();
    const open = await link.begin(transfer({ data, rows: X.rows, cols: X.cols, features: X.features }, [data.buffer]), transfer(yCopy, [yCopy.buffer]), { ...params });
    return open ? { take: async () => link.take(), collect: async () => link.collect() } : null;
  };
}

/** Trees marked for transfer (each array owns its buffer: see CartGrower.result). */
export function transferTrees<T extends { trees: SharedTree[] } | SharedTree[]>(value: T): T {
  const trees = Array.isArray(value) ? value : value.trees;
  return transfer(value, trees.flatMap(({ tree }) => treeBuffers(tree)));
}

function treeBuffers(t: FlatTree): ArrayBuffer[] {
  return [t.feature, t.threshold, t.left, t.right, t.value, t.nSamples, t.importance].map((a) => a.buffer as ArrayBuffer);
}
