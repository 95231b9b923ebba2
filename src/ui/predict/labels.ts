/** Display words for the Predict screen; plain functions, no state. */
import { isModelType, modelLabel } from '../../core/models/catalog';
import type { RowProblem } from '../../core/recipe/types';

/** A model type in words (the type itself when unknown). */
export function modelTypeLabel(type: string): string {
  return isModelType(type) ? modelLabel(type) : type;
}

const REASONS: Record<RowProblem['reason'], string> = {
  'missing-column': 'column missing',
  'missing-value': 'missing value',
  'unseen-category': 'unseen category',
  'not-a-number': 'not a number',
  'out-of-range': 'outside the training range',
  'out-of-range-prediction': 'prediction outside the training range',
};

export function reasonLabel(reason: string): string {
  return REASONS[reason as RowProblem['reason']] ?? reason;
}

const precise = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const small = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 });

/** A predicted value: two decimals for large numbers, 4 significant digits for small ones. */
export function formatPrediction(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  return Math.abs(v) >= 100 ? precise.format(v) : small.format(v);
}

/** A training range, e.g. "0.2 – 5.01". */
export function formatRange(min: number | undefined, max: number | undefined): string {
  if (min === undefined || max === undefined) return '';
  return `${small.format(min)} – ${small.format(max)}`;
}

/** One class of a classifier's answer, with its probability. */
export interface ClassProbability {
  label: string;
  probability: number;
}

/** A classifier's probabilities by class, most probable first (ties keep the classes' order). */
export function rankedClasses(classes: readonly string[], probabilities: readonly number[]): ClassProbability[] {
  return classes.map((label, k) => ({ label, probability: probabilities[k] })).sort((a, b) => b.probability - a.probability);
}
