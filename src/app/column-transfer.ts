/**
 * Columns sent to a worker as transferred copies. A structured clone of a typed array serializes
 * its bytes on the page's thread (then copies them again); for a column of a million numbers that
 * is tens of milliseconds in one task. Copying the array (`slice`, a memcpy, which also drops any
 * spare capacity of the buffer a view sits on) and transferring the copy costs a fraction of that,
 * and the page keeps its own columns.
 */
import { transfer } from 'comlink';
import type { Column, Table } from '../core/data/types';

/** A copy of `column` whose typed array is marked for transfer (pass it to a comlink call as is). */
export function transferableColumn(column: Column): Column {
  if (column.type === 'numeric') {
    const values = column.values.slice();
    return transfer({ ...column, values }, [values.buffer]);
  }
  const codes = column.codes.slice();
  return transfer({ ...column, codes }, [codes.buffer]);
}

/** A copy of `table` whose columns' typed arrays are all marked for transfer (one message). */
export function transferableTable(table: Table): Table {
  const buffers: ArrayBuffer[] = [];
  const columns = table.columns.map((c): Column => {
    if (c.type === 'numeric') {
      const values = c.values.slice();
      buffers.push(values.buffer);
      return { ...c, values };
    }
    const codes = c.codes.slice();
    buffers.push(codes.buffer);
    return { ...c, codes };
  });
  return transfer({ ...table, columns }, buffers);
}

/** Resolves in a later task, so that the page can paint and handle input in between. */
export function nextTask(): Promise<void> {
  return new Promise((ok) => setTimeout(ok, 0));
}
