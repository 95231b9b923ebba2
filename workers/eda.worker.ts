/// <reference lib="webworker" />
/**
 * The Explore screen's worker: keeps one dataset (a structured-clone copy of the page's table)
 * and answers aggregate requests from src/core/eda. Each request yields once before computing,
 * so that a newer request of the same slot that is already queued supersedes it unstarted.
 */
import { expose, transfer } from 'comlink';
import type { ColumnProfile, ColumnSchema, Table } from '../src/core/data/types';
import { classBalance, columnDistribution, correlationMatrix, dataQualityFindings, featureVsClass, targetDistribution, targetVsFeature, withClassFindings } from '../src/core/eda';
import { findNumeric } from '../src/core/eda/columns';
import { CancelledError, InvalidInputError } from '../src/core/errors';
import { installErrorTransfer } from './error-transfer';
import type { EdaApi, EdaRequest, EdaSlot } from './protocol';

installErrorTransfer();

interface Loaded {
  id: string;
  table: Table;
  /** Columns announced by `open`; requests wait for all of them (the page sends them first). */
  columnCount: number;
  schema: ColumnSchema[];
  profile: ColumnProfile[];
}

let loaded: Loaded | null = null;
const newest = new Map<EdaSlot, number>();

/** Lets queued messages run first, then rejects if a newer request of the slot arrived meanwhile. */
async function begin(req: EdaRequest): Promise<Loaded> {
  if (req.seq > (newest.get(req.slot) ?? -1)) newest.set(req.slot, req.seq);
  await new Promise((ok) => setTimeout(ok, 0));
  if (newest.get(req.slot) !== req.seq) throw new CancelledError('Superseded by a newer request.');
  if (!loaded || loaded.id !== req.dataset || loaded.table.columns.length !== loaded.columnCount)
    throw new InvalidInputError('dataset-not-loaded', 'The dataset this chart is about is not loaded in the worker.');
  return loaded;
}

const api: EdaApi = {
  open(dataset, rowCount, columnCount, schema, profile) {
    loaded = { id: dataset, table: { rowCount, columns: [] }, columnCount, schema, profile };
  },
  addColumn(dataset, column) {
    if (loaded?.id === dataset) loaded.table.columns.push(column);
  },
  async findings(req, target, classes) {
    const d = await begin(req);
    const quality = dataQualityFindings(d.table, d.schema, d.profile, target ? { target } : {});
    return target && classes ? withClassFindings(quality, d.table, target, d.schema) : quality;
  },
  async targetDistribution(req, target, log) {
    const d = await begin(req);
    return targetDistribution(findNumeric(d.table, target, 'target').values, { name: target, log });
  },
  async correlation(req, columns, method) {
    const d = await begin(req);
    const m = correlationMatrix(d.table, columns, method);
    return transfer(m, [m.matrix.buffer, m.n.buffer]);
  },
  async distributions(req, columns) {
    const d = await begin(req);
    return columns.map((name) => {
      const col = d.table.columns.find((c) => c.name === name);
      if (!col) throw new InvalidInputError('unknown-column', `There is no column named "${name}".`, { column: name });
      return columnDistribution(col);
    });
  },
  async targetVsFeature(req, target, feature, options) {
    const d = await begin(req);
    const v = targetVsFeature(d.table, target, feature, options);
    if (v.kind === 'categorical') return v;
    const p = v.points;
    return transfer(v, [v.grid.counts.buffer, p.x.buffer, p.y.buffer, p.row.buffer]);
  },
  async classBalance(req, target) {
    const d = await begin(req);
    return classBalance(d.table, target);
  },
  async featureVsClass(req, target, feature, options) {
    const d = await begin(req);
    return featureVsClass(d.table, target, feature, options);
  },
};

expose(api);
