/**
 * The one-row form of the Predict screen: a value per input column (as typed), prefilled with the
 * training fill values (median / most frequent), and the prediction for those values, asked of
 * the worker ~100 ms after the last keystroke. Answers carry a sequence number: an answer older
 * than the newest request is dropped, so a slow answer never overwrites a newer one.
 */
import { readNumberCell } from '../core/data/number-cell';
import type { InputColumn } from '../core/recipe/types';
import type { RowPredictionResult } from '../../workers/protocol';
import type { PredictClient } from './PredictClient';
import type { ShelfModel } from './ModelShelf.svelte';
import { describeProblem, type Problem } from './problems';

export const FORM_DEBOUNCE_MS = 100;

/** The worker's answer for the row (prediction, problems, explanation, interval or set, a classifier's label and probabilities) and the model that gave it. */
export type RowPrediction = RowPredictionResult & {
  /** Id of the model that answered. */
  modelId: string;
};

/** A field's own check, made on the page as the person types (no worker round trip). */
export interface FieldCheck {
  severity: 'error' | 'warning';
  message: string;
}

/** A readable start value: the fill value, else the middle of the range, else the first level. */
export function defaultValue(c: InputColumn): string {
  if (c.fill !== undefined && c.fill !== null) return typeof c.fill === 'number' ? String(roundNice(c.fill)) : c.fill;
  if (c.levels?.length) return c.levels[0];
  if (c.min !== undefined && c.max !== undefined) return String(roundNice((c.min + c.max) / 2));
  return '';
}

/** 6 significant digits, no float noise (0.7000000001 → 0.7). */
function roundNice(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(6)) : x;
}

export function defaultValues(inputs: InputColumn[]): Record<string, string> {
  return Object.fromEntries(inputs.map((c) => [c.name, defaultValue(c)]));
}

const isNumberKind = (kind: string) => kind === 'numeric' || kind === 'unit';

/** Checks a typed value against the column's training range (numbers) or levels (categories). */
export function checkField(c: InputColumn, raw: string): FieldCheck | null {
  const text = raw.trim();
  const filled = c.fill !== undefined ? `the training fill value ${String(c.fill)} is used.` : 'it is imputed.';
  if (text === '') return { severity: 'warning', message: `Empty: ${filled}` };
  if (isNumberKind(c.kind)) {
    // The rule training applied to the file it learned from, so the page and the model agree.
    const x = readNumberCell(text, c.unit);
    if (x === undefined) return { severity: 'warning', message: `“${raw}” is not a number${c.unit ? ` in ${c.unit}` : ''}: read as missing, as in training; ${filled}` };
    if (Number.isNaN(x)) return { severity: 'warning', message: `Missing: ${filled}` };
    if ((c.min !== undefined && x < c.min) || (c.max !== undefined && x > c.max))
      return { severity: 'warning', message: `Outside the training range (${c.min} – ${c.max}): the prediction is an extrapolation.` };
    return null;
  }
  if (c.levels && !c.levels.includes(text)) return { severity: 'warning', message: `“${text}” was not seen in training.` };
  return null;
}

export class PredictForm {
  /** The values as typed, for the model they were typed for. */
  #edits = $state.raw<{ modelId: string; values: Record<string, string> } | null>(null);
  /** The newest answer (for the newest request only). */
  result = $state.raw<RowPrediction | null>(null);
  /** Why the last request failed (not a row problem: e.g. the worker could not load the model). */
  problem = $state.raw<Problem | null>(null);
  /** True from a change until its answer arrives. */
  pending = $state(false);

  readonly #client: PredictClient;
  readonly #model: () => ShelfModel | null;
  readonly #inputs: () => InputColumn[];
  #seq = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(client: PredictClient, model: () => ShelfModel | null, inputs: () => InputColumn[]) {
    this.#client = client;
    this.#model = model;
    this.#inputs = inputs;
  }

  /** The current values: the person's edits for this model, else the defaults. */
  get values(): Record<string, string> {
    const m = this.#model();
    const e = this.#edits;
    const defaults = defaultValues(this.#inputs());
    return m && e && e.modelId === m.id ? { ...defaults, ...e.values } : defaults;
  }

  /** Page-side checks per field (out of range, not a number, unseen level). */
  get checks(): Record<string, FieldCheck> {
    const values = this.values;
    const out: Record<string, FieldCheck> = {};
    for (const c of this.#inputs()) {
      const r = checkField(c, values[c.name] ?? '');
      if (r) out[c.name] = r;
    }
    return out;
  }

  /** Sets a field and asks for a new prediction after a short pause. */
  set(name: string, value: string): void {
    const m = this.#model();
    if (!m) return;
    this.#edits = { modelId: m.id, values: { ...this.values, [name]: value } };
    this.schedule();
  }

  /** Back to the defaults. */
  reset(): void {
    this.#edits = null;
    this.schedule(0);
  }

  /** Asks for a prediction of the current values after `delay` ms (a newer call replaces it). */
  schedule(delay = FORM_DEBOUNCE_MS): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    const seq = ++this.#seq;
    this.pending = true;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#predict(seq);
    }, delay);
  }

  dispose(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#seq++;
  }

  async #predict(seq: number): Promise<void> {
    const m = this.#model();
    if (!m) {
      this.pending = false;
      this.result = null;
      return;
    }
    const values = this.values;
    try {
      const r = await this.#client.predictRow(m.id, m.bundle, values, { explain: true });
      if (seq !== this.#seq) return; // a newer request was made: its answer wins
      this.result = { modelId: m.id, ...r };
      this.problem = null;
    } catch (e) {
      if (seq !== this.#seq) return;
      this.result = null;
      this.problem = describeProblem(e, 'Could not predict this row');
    } finally {
      if (seq === this.#seq) this.pending = false;
    }
  }
}
