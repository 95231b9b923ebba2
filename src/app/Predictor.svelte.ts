/**
 * The Predict screen's state: which model (from the shelf), importing a bundle file, the one-row
 * form and whole-file prediction. Two workers: one answers the form, the other streams files,
 * so a long file never delays the form and cancelling a file never unloads the form's model.
 */
import type { ModelBundle } from '../core/bundle/bundle';
import { LoupeError } from '../core/errors';
import { FittedRecipe } from '../core/recipe';
import type { InputColumn } from '../core/recipe/types';
import { FilePrediction } from './FilePrediction.svelte';
import type { ModelShelf, ShelfModel } from './ModelShelf.svelte';
import { PredictClient } from './PredictClient';
import { PredictForm } from './PredictForm.svelte';
import { describeProblem, type Problem } from './problems';

/** The fitted recipe's input schema (with fill values); the bundle's copy when that fails. */
export function modelInputs(bundle: ModelBundle): InputColumn[] {
  try {
    return FittedRecipe.fromJSON(bundle.recipe).inputSchema();
  } catch {
    // The bundle was validated when it reached the shelf; its schema copy lacks fill values only.
    return bundle.inputSchema.map((c) => ({ ...c, kind: c.kind as InputColumn['kind'] }));
  }
}

/** "price — Gradient-boosted trees — R² 0.979"; a classifier's "Churn — Logistic regression — ROC AUC 0.842". */
export function shelfName(bundle: ModelBundle): string {
  const auc = bundle.metrics.classification?.test.rocAuc;
  if (auc !== undefined && Number.isFinite(auc)) return `${bundle.name} — ROC AUC ${auc.toFixed(3)}`;
  const r2 = bundle.metrics.test?.r2;
  return r2 === undefined ? bundle.name : `${bundle.name} — R² ${r2.toFixed(3)}`;
}

let imports = 0;

export class Predictor {
  readonly shelf: ModelShelf;
  /** True while a bundle file is being read and validated. */
  importing = $state(false);
  /** Why the last import failed; `field` is the bundle path a BundleError names. */
  importProblem = $state.raw<(Problem & { field?: string }) | null>(null);

  readonly #rowClient = new PredictClient('predict-row');
  readonly #fileClient = new PredictClient('predict-file');

  /** The model predictions use: the shelf's selection. */
  readonly model: ShelfModel | null = $derived.by(() => this.shelf.selected);
  /** Input columns of the model, in the recipe's order (levels in order, training ranges, fill values). */
  readonly inputs: InputColumn[] = $derived.by(() => (this.model ? modelInputs(this.model.bundle) : []));

  readonly form: PredictForm;
  readonly file: FilePrediction;

  constructor(shelf: ModelShelf) {
    this.shelf = shelf;
    this.form = new PredictForm(this.#rowClient, () => this.model, () => this.inputs);
    this.file = new FilePrediction(this.#fileClient);
  }

  choose(id: string): void {
    this.shelf.select(id);
  }

  /** Reads a bundle file, validates it in the worker and adds it to the shelf (selected). */
  async importBundle(file: File): Promise<void> {
    this.importing = true;
    this.importProblem = null;
    const key = `import:${Date.now()}-${++imports}`;
    try {
      const { bundle } = await this.#rowClient.importBundle(key, file);
      const same = this.shelf.models.find(
        (m) => m.source === 'import' && m.bundle.lineage.createdAt === bundle.lineage.createdAt && m.bundle.name === bundle.name && m.bundle.lineage.datasetHash === bundle.lineage.datasetHash,
      );
      if (same) this.shelf.select(same.id);
      else this.shelf.add([{ id: key, name: shelfName(bundle), bundle, source: 'import', addedAt: Date.now() }], true);
    } catch (e) {
      const field = e instanceof LoupeError ? e.where.field : undefined;
      this.importProblem = { ...describeProblem(e, `“${file.name}” could not be imported`), ...(field ? { field } : {}) };
    } finally {
      this.importing = false;
    }
  }

  /** Predicts a whole CSV file with the chosen model. */
  async predictFile(file: File): Promise<void> {
    const m = this.model;
    if (m) await this.file.choose(file, m);
  }

  /** Asks where to save the chosen file's predictions, then predicts it (from a click: the browser's dialog needs one). */
  async saveAndPredict(): Promise<void> {
    const m = this.model;
    if (m) await this.file.saveAndStart(m);
  }

  dispose(): void {
    this.form.dispose();
    this.file.dispose();
    this.#rowClient.dispose();
    this.#fileClient.dispose();
  }
}
