/**
 * Models available to predict with: bundles trained in this tab (Train adds every finished
 * candidate), and registered versions (the Models screen adds them). Predict uses the selected
 * one; when nothing is selected, the best model of the latest training run.
 */
import type { ModelBundle } from '../core/bundle/bundle';

export interface ShelfModel {
  /** Unique on the shelf: a run id, or `registry:<name>@<version>`. */
  id: string;
  /** Shown in pickers, e.g. "Gradient-boosted trees — R² 0.979". */
  name: string;
  bundle: ModelBundle;
  source: 'session' | 'registry' | 'import';
  addedAt: number;
}

export class ModelShelf {
  models = $state.raw<ShelfModel[]>([]);
  selectedId = $state<string | null>(null);

  readonly selected: ShelfModel | null = $derived(
    this.models.find((m) => m.id === this.selectedId) ?? this.models[0] ?? null,
  );

  /** Adds (or replaces, by id) models; the first one added becomes selected when `select` is true. */
  add(models: ShelfModel[], select = false): void {
    const ids = new Set(models.map((m) => m.id));
    this.models = [...models, ...this.models.filter((m) => !ids.has(m.id))];
    if (select && models.length) this.selectedId = models[0].id;
  }

  /** Puts a changed bundle (e.g. a new decision threshold) in place of a model's, keeping its place and the selection. */
  replaceBundle(id: string, bundle: ModelBundle): void {
    this.models = this.models.map((m) => (m.id === id ? { ...m, bundle } : m));
  }

  remove(id: string): void {
    this.models = this.models.filter((m) => m.id !== id);
    if (this.selectedId === id) this.selectedId = null;
  }

  select(id: string): void {
    this.selectedId = id;
  }
}
