/**
 * The Monitor screen's state: every monitored batch (a drift report per predicted file, stored by
 * the prediction worker), grouped by model version; the chosen model's settings, under which its
 * stored reports are judged again on the page (a test's value does not depend on its threshold,
 * so new thresholds need no data); export of a batch as a self-contained HTML report.
 */
import { parseMonitorOptions, rejudgeReport, type MonitorOptions, type MonitorReport } from '../core/pipeline/monitor-settings';
import { MonitorStore, onStorageChange, type MonitoredBatch, type ReferenceChoice } from '../storage';
import { describeProblem, type Problem } from './problems';
import { download, safeFileName } from './RunsView.svelte';
import { trackingDb } from './tracking-db';

/** A model with monitored batches, as the picker lists it. */
export interface MonitoredModel {
  key: string;
  name: string;
  batches: number;
  /** Epoch ms of its latest batch. */
  lastAt: number;
  /** Whether its latest batch drifts (under the settings it was recorded with). */
  lastDrift: boolean;
}

/** A stored batch with its report judged under the model's current settings. */
export interface JudgedBatch {
  batch: MonitoredBatch;
  report: MonitorReport;
}

let store: Promise<MonitorStore> | null = null;
function monitorStore(): Promise<MonitorStore> {
  store ??= (async () => new MonitorStore(await trackingDb()))();
  return store;
}

export class MonitorView {
  batches = $state.raw<MonitoredBatch[]>([]);
  modelKey = $state<string | null>(null);
  batchId = $state<string | null>(null);
  /** The chosen model's saved settings. */
  settings = $state.raw<MonitorOptions>({});
  /** What the chosen model's next batches are compared with. */
  reference = $state<ReferenceChoice>('sample');
  problem = $state.raw<Problem | null>(null);
  notice = $state<string | null>(null);
  ready = $state(false);

  readonly models: MonitoredModel[] = $derived.by(() => {
    const by = new Map<string, MonitoredModel>();
    for (const b of this.batches) {
      const m = by.get(b.modelKey);
      if (!m) by.set(b.modelKey, { key: b.modelKey, name: b.modelName, batches: 1, lastAt: b.createdAt, lastDrift: b.datasetDrift });
      else {
        m.batches++;
        if (b.createdAt >= m.lastAt) Object.assign(m, { lastAt: b.createdAt, lastDrift: b.datasetDrift, name: b.modelName });
      }
    }
    return [...by.values()].sort((a, b) => b.lastAt - a.lastAt);
  });

  /** The chosen model's batches, oldest first, judged under its settings. */
  readonly judged: JudgedBatch[] = $derived.by(() => {
    const settings = this.settings;
    return this.batches
      .filter((b) => b.modelKey === this.modelKey)
      .map((batch) => {
        try {
          return { batch, report: rejudgeReport(batch.report, settings) };
        } catch {
          return { batch, report: batch.report }; // settings saved for other columns or tests; shown as recorded
        }
      });
  });

  readonly selected: JudgedBatch | null = $derived(this.judged.find((j) => j.batch.id === this.batchId) ?? this.judged[this.judged.length - 1] ?? null);

  #refreshing = 0;
  #unsubscribe: (() => void) | null = null;

  async init(): Promise<void> {
    if (this.#unsubscribe) return;
    this.#unsubscribe = onStorageChange((c) => {
      if (c.type === 'monitor-changed') void this.refresh();
    });
    await this.refresh();
    this.ready = true;
  }

  async refresh(): Promise<void> {
    const n = ++this.#refreshing;
    try {
      const batches = await (await monitorStore()).list();
      if (n !== this.#refreshing) return;
      this.batches = batches;
      if (!this.modelKey || !batches.some((b) => b.modelKey === this.modelKey)) await this.selectModel(this.models[0]?.key ?? null);
      else await this.#loadSettings();
    } catch (e) {
      this.problem = describeProblem(e, 'Could not read the monitored batches');
    }
  }

  async selectModel(key: string | null): Promise<void> {
    this.modelKey = key;
    this.batchId = null;
    await this.#loadSettings();
  }

  selectBatch(id: string): void {
    this.batchId = id;
  }

  async #loadSettings(): Promise<void> {
    const key = this.modelKey;
    const store = await monitorStore();
    const [settings, reference] = key ? await Promise.all([store.getSettings(key), store.getReference(key)]) : [{}, 'sample' as const];
    if (key !== this.modelKey) return;
    this.settings = settings;
    this.reference = reference;
  }

  /** Chooses what the model's next batches are compared with (stored reports keep theirs: they hold no rows to compare again). */
  async setReference(choice: ReferenceChoice): Promise<void> {
    const key = this.modelKey;
    if (!key) return;
    try {
      await (await monitorStore()).setReference(key, choice);
      if (key === this.modelKey) this.reference = choice;
      this.notice =
        choice === 'dataset'
          ? 'The next files predicted with this model are compared with its training dataset (when this browser keeps it).'
          : 'The next files predicted with this model are compared with the sample of training rows in the model.';
    } catch (e) {
      this.problem = describeProblem(e, 'Could not save the reference choice');
    }
  }

  /** Checks and saves the chosen model's settings; its reports are judged again, and its next batches use them. */
  async saveSettings(settings: MonitorOptions): Promise<boolean> {
    const key = this.modelKey;
    if (!key) return false;
    try {
      const parsed = parseMonitorOptions(settings);
      for (const j of this.judged) rejudgeReport(j.batch.report, parsed); // a p-value threshold above 1, say
      await (await monitorStore()).setSettings(key, parsed);
      if (key === this.modelKey) this.settings = parsed;
      this.problem = null;
      this.notice = 'Thresholds saved: the reports below are judged again, and the next files predicted with this model use them.';
      return true;
    } catch (e) {
      this.problem = describeProblem(e, 'Could not use these thresholds');
      return false;
    }
  }

  async deleteBatch(id: string): Promise<void> {
    try {
      await (await monitorStore()).delete(id);
      await this.refresh();
    } catch (e) {
      this.problem = describeProblem(e, 'Could not delete the drift report');
    }
  }

  /** Downloads the batch's report as one HTML file (aggregates only; opens offline). */
  async exportHtml(j: JudgedBatch): Promise<void> {
    try {
      // Loaded when first asked for: the page starts without the report's renderer.
      const { renderMonitorHtml } = await import('../core/pipeline/monitor-html');
      const date = new Date(j.batch.createdAt).toISOString().slice(0, 16).replace('T', ' ');
      const html = renderMonitorHtml(j.report, {
        title: `Drift report: ${j.batch.modelName}`,
        subtitle: `${j.batch.fileName}, predicted ${date} UTC; compared with ${j.batch.referenceSource === 'bundle' ? 'the sample of training rows in the model' : 'the training dataset'}.`,
      });
      download(`${safeFileName(j.batch.fileName.replace(/\.[^.]+$/, ''))}-drift.html`, html, 'text/html');
    } catch (e) {
      this.problem = describeProblem(e, 'Could not export the drift report');
    }
  }

  dispose(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }
}
