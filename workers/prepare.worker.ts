/// <reference lib="webworker" />
/**
 * The Prepare screen's worker: keeps one dataset (a structured-clone copy of the page's table),
 * counts the rows each cleaning step removes (src/core's applyCleaning) and previews derived
 * features (computeDerived). Each request yields once before computing, so that a newer request
 * of the same slot already queued supersedes it unstarted.
 */
import { expose } from 'comlink';
import type { Table } from '../src/core/data/types';
import { CancelledError, InvalidInputError, RecipeError } from '../src/core/errors';
import { applyCleaning, computeDerived, type DerivedFeature, type Recipe } from '../src/core/recipe';
import { installErrorTransfer } from './error-transfer';
import type { CleaningCounts, CleaningStepOutcome, DerivedPreview, PrepareApi, PrepareRequest, PrepareSlot } from './protocol';

installErrorTransfer();

let loaded: { id: string; table: { rowCount: number; columns: Table['columns'] } } | null = null;
const newest = new Map<PrepareSlot, number>();

async function begin(req: PrepareRequest): Promise<Table> {
  if (req.seq > (newest.get(req.slot) ?? -1)) newest.set(req.slot, req.seq);
  await new Promise((ok) => setTimeout(ok, 0));
  if (newest.get(req.slot) !== req.seq) throw new CancelledError('Superseded by a newer request.');
  if (!loaded || loaded.id !== req.dataset) throw new InvalidInputError('dataset-not-loaded', 'The dataset this request is about is no longer open.');
  return loaded.table;
}

/** Index of the cleaning step a RecipeError names (`cleaning[3].column` → 3). */
function stepOf(e: RecipeError): number | null {
  const m = /^cleaning\[(\d+)\]/.exec(e.where.field ?? '');
  return m ? Number(m[1]) : null;
}

/** The error's message without its leading field path (the page shows it next to the step). */
function plain(e: RecipeError, before: number): string {
  if (e.code === 'no-rows-left') return `This step removes every remaining row (${before.toLocaleString('en-US')}): nothing would be left to train on.`;
  return e.message.replace(/^cleaning\[\d+\][^:]*:\s*/, '');
}

function countCleaning(table: Table, recipe: Recipe): CleaningCounts {
  const steps: CleaningStepOutcome[] = [];
  try {
    const r = applyCleaning(table, recipe);
    let before = table.rowCount;
    for (const s of r.steps) {
      steps.push({ status: 'ok', description: s.description, before, removed: s.removed });
      before -= s.removed;
    }
    return { rows: table.rowCount, steps, kept: r.kept.length };
  } catch (e) {
    const at = e instanceof RecipeError ? stepOf(e) : null;
    if (at === null || !(e instanceof RecipeError)) throw e;
    // The steps before the failing one run; their counts come from the prefix.
    const prefix = at > 0 ? countCleaning(table, { ...recipe, cleaning: recipe.cleaning.slice(0, at) }) : { rows: table.rowCount, steps: [], kept: table.rowCount };
    const out: CleaningStepOutcome[] = [...prefix.steps];
    out.push({ status: 'error', code: e.code, field: `cleaning[${at}]`, message: plain(e, prefix.kept), before: prefix.kept });
    for (let i = at + 1; i < recipe.cleaning.length; i++) out.push({ status: 'skipped' });
    return { rows: table.rowCount, steps: out, kept: prefix.kept };
  }
}

function median(sorted: Float64Array): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

function previewDerived(table: Table, features: DerivedFeature[], head: number): DerivedPreview[] {
  const computed = new Map<string, Float64Array | null>();
  return features.map((f) => {
    const inputs: Float64Array[] = [];
    for (const name of f.columns) {
      const earlier = computed.get(name);
      if (earlier === null) return fail(f, `It uses "${name}", which cannot be computed.`);
      if (earlier) {
        inputs.push(earlier);
        continue;
      }
      const col = table.columns.find((c) => c.name === name);
      if (!col) return fail(f, `It uses "${name}", which is neither a column nor an earlier derived feature.`);
      if (col.type !== 'numeric') return fail(f, `It uses "${name}", which holds labels, not numbers.`);
      inputs.push(col.values);
    }
    if (inputs.length === 0) return fail(f, 'Choose its columns.');
    if (f.op === 'power' && !Number.isFinite(f.exponent)) return fail(f, 'Give the exponent.');
    const values = computeDerived(f, inputs);
    computed.set(f.name, values);
    let missing = 0;
    for (let i = 0; i < values.length; i++) if (values[i] !== values[i]) missing++;
    const present = new Float64Array(values.length - missing);
    for (let i = 0, k = 0; i < values.length; i++) if (values[i] === values[i]) present[k++] = values[i];
    present.sort();
    return {
      status: 'ok',
      name: f.name,
      head: Array.from(values.subarray(0, head)),
      min: present.length ? present[0] : NaN,
      median: median(present),
      max: present.length ? present[present.length - 1] : NaN,
      missing,
      rows: values.length,
    };
  });

  function fail(f: DerivedFeature, message: string): DerivedPreview {
    computed.set(f.name, null);
    return { status: 'error', name: f.name, message };
  }
}

const api: PrepareApi = {
  open(dataset, rowCount) {
    loaded = { id: dataset, table: { rowCount, columns: [] } };
  },
  addColumn(dataset, column) {
    if (loaded?.id === dataset) loaded.table.columns.push(column);
  },
  async cleaning(req, recipe) {
    return countCleaning(await begin(req), recipe);
  },
  async derived(req, features, head) {
    return previewDerived(await begin(req), features, head);
  },
};

expose(api);
