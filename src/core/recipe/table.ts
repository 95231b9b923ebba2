/** Small Table helpers for the recipe; the lookup itself lives with the Table (data/table.ts). */
import type { Column } from '../data/types';

export { columnByName } from '../data/table';

/** Whether row i of `c` is missing. */
export function isMissing(c: Column, i: number): boolean {
  return c.type === 'numeric' ? c.values[i] !== c.values[i] : c.codes[i] < 0;
}
