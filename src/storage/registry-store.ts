/**
 * The model registry: registered models (by name), numbered versions each holding a full
 * ModelBundle (so an export is exact), and movable aliases ('champion', 'challenger', any name)
 * pointing at one version each.
 *
 * Version numbers are assigned inside the registering transaction: IndexedDB runs readwrite
 * transactions over the same stores one after another, even across tabs, and the unique
 * [name, version] index refuses a duplicate outright. Numbers are never reused after a delete.
 * Every alias move is kept in 'alias-history' (in the same transaction), so a promotion can be
 * seen and rolled back. Every committed write posts a 'registry-changed' notice with the model names.
 */
import { parseBundle, serializeBundle, withoutReferenceSample, type ModelBundle } from '../core/bundle/bundle';
import { postStorageChange } from './broadcast';
import type { LoupeDb, StoreName } from './db';
import { StorageError } from './errors';
import type { AliasChange, AliasRecord, ModelVersion, ModelVersionRecord, RegisteredModel, RegisteredModelRecord } from './records';
import { normalizeTags } from './runs-store';
import { estimateBytes } from './space';
import { writeTransaction, type WriteTx } from './transact';

export interface RegisterOptions {
  /** Registered model name; created on first use. */
  name: string;
  /** Description of this version (and of the model, when it is new). */
  description?: string;
  tags?: string[];
  /** Default 'you'. */
  author?: string;
}

/** Register a tracked run (its stored bundle) or a bundle object (e.g. freshly trained). */
export type RegisterSource = { runId: string } | { bundle: ModelBundle };

export type ImportOptions = Partial<RegisterOptions>;

export interface RegistryStoreOptions {
  /** Injectable clock for tests. */
  now?: () => number;
}

const VERSIONS: StoreName[] = ['registered-models', 'model-versions', 'model-bundles', 'aliases', 'alias-history'];
const ALIAS_STORES: StoreName[] = ['model-versions', 'aliases', 'alias-history', 'registered-models'];

function checkName(name: string, field: 'name' | 'alias'): string {
  const s = name.trim();
  if (!s) throw new StorageError('invalid-name', field === 'name' ? 'A model name cannot be empty.' : 'An alias cannot be empty.', { field });
  return s;
}

const MAX_VERSION = Number.MAX_SAFE_INTEGER;

export class RegistryStore {
  readonly #db: LoupeDb;
  readonly #now: () => number;

  constructor(db: LoupeDb, options: RegistryStoreOptions = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Adds a new version of model `options.name` (created if new): version = 1 + the highest
   * number ever assigned to that name. A run must have been finished with a bundle.
   */
  async register(source: RegisterSource, options: RegisterOptions): Promise<ModelVersion> {
    const name = checkName(options.name, 'name');
    const stores: StoreName[] = 'runId' in source ? [...VERSIONS, 'run-models'] : VERSIONS;
    const version = await this.#write(stores, `register a version of "${name}"`, [name], async (tx) => {
      let bundle: ModelBundle;
      let sourceRunId: string | undefined;
      if ('runId' in source) {
        const rec = await tx.objectStore('run-models').get(source.runId);
        if (!rec)
          throw new StorageError('run-model-missing', `The run ${source.runId.slice(0, 8)}… has no stored model: only finished runs can be registered.`);
        if (!rec.bundle)
          throw new StorageError('run-bundle-missing', `The run ${source.runId.slice(0, 8)}… was saved without a model bundle, so it cannot be registered; train it again.`);
        sourceRunId = source.runId;
        bundle = rec.bundle.lineage.runId === source.runId ? rec.bundle : { ...rec.bundle, lineage: { ...rec.bundle.lineage, runId: source.runId } };
      } else {
        bundle = source.bundle;
        sourceRunId = bundle.lineage.runId;
      }
      return this.#addVersion(tx, name, bundle, options, 'runId' in source ? 'run' : 'import', sourceRunId);
    });
    return { ...version, aliases: [] };
  }

  /**
   * Validates a bundle file's text (parseBundle: a BundleError naming the field on a bad file,
   * and nothing is written) and registers it as a new version, under `options.name` or the
   * bundle's own name.
   */
  async importBundle(text: string, options: ImportOptions = {}): Promise<ModelVersion> {
    const { bundle: checked } = parseBundle(text);
    // Store the file's own JSON (now validated), not the validator's output: the validator drops
    // fields it does not declare, and an export must give back exactly what was imported.
    const bundle = JSON.parse(text) as ModelBundle;
    return this.register({ bundle }, { ...options, name: options.name ?? checked.name, description: options.description ?? '' });
  }

  /** The bundle file text of a version (serializeBundle), exactly as registered. */
  /** The version's bundle file; `referenceSample: false` leaves out the drift reference sample (a smaller file). */
  async exportBundle(name: string, version: number, options: { referenceSample?: boolean } = {}): Promise<string> {
    const v = await this.getVersion(name, version);
    if (!v) throw this.#missing(name, version);
    return serializeBundle(options.referenceSample === false ? withoutReferenceSample(v.bundle) : v.bundle);
  }

  async listModels(): Promise<RegisteredModel[]> {
    const tx = this.#db.transaction(['registered-models', 'model-versions', 'aliases'], 'readonly');
    const [models, versions, aliases] = await Promise.all([
      tx.objectStore('registered-models').getAll(),
      tx.objectStore('model-versions').getAll(),
      tx.objectStore('aliases').getAll(),
    ]);
    await tx.done;
    return models
      .map((m): RegisteredModel => {
        const mine = versions.filter((v) => v.name === m.name);
        const latest = mine.reduce<number | undefined>((a, v) => (a === undefined || v.version > a ? v.version : a), undefined);
        const al: Record<string, number> = {};
        for (const a of aliases) if (a.name === m.name) al[a.alias] = a.version;
        return { ...m, versionCount: mine.length, ...(latest !== undefined ? { latestVersion: latest } : {}), aliases: al };
      })
      .sort((a, b) => b.updatedAt - a.updatedAt || a.name.localeCompare(b.name));
  }

  /** Versions of a model, newest first, each with the aliases pointing at it. No bundles loaded. */
  async listVersions(name: string): Promise<ModelVersion[]> {
    const tx = this.#db.transaction(['model-versions', 'aliases'], 'readonly');
    const range = IDBKeyRange.bound([name, 0], [name, MAX_VERSION]);
    const [versions, aliases] = await Promise.all([
      tx.objectStore('model-versions').index('by-name-version').getAll(range),
      tx.objectStore('aliases').index('by-version').getAll(range),
    ]);
    await tx.done;
    return versions.reverse().map((v) => ({ ...v, aliases: aliases.filter((a) => a.version === v.version).map((a) => a.alias).sort() }));
  }

  /** One version with its bundle. */
  async getVersion(name: string, version: number): Promise<(ModelVersion & { bundle: ModelBundle }) | undefined> {
    const tx = this.#db.transaction(['model-versions', 'model-bundles', 'aliases'], 'readonly');
    const rec = await tx.objectStore('model-versions').index('by-name-version').get([name, version]);
    if (!rec) {
      await tx.done;
      return undefined;
    }
    const [stored, aliases] = await Promise.all([
      tx.objectStore('model-bundles').get(rec.id),
      tx.objectStore('aliases').index('by-version').getAll([name, version]),
    ]);
    await tx.done;
    if (!stored) throw new StorageError('bundle-missing', `The bundle of "${name}" version ${version} is missing from this browser's storage.`);
    return { ...rec, aliases: aliases.map((a) => a.alias).sort(), bundle: stored.bundle };
  }

  /** Points `alias` at `version` of model `name`, moving it from any other version (recorded in the alias history). */
  async setAlias(name: string, alias: string, version: number, reason?: string): Promise<void> {
    const a = checkName(alias, 'alias');
    await this.#write(ALIAS_STORES, `set the alias "${a}"`, [name], async (tx) => {
      await this.#moveAlias(tx, name, a, version, 'set', reason);
    });
  }

  /** Removes an alias (recorded); a no-op when it is not set. */
  async removeAlias(name: string, alias: string, reason?: string): Promise<void> {
    await this.#write(ALIAS_STORES, `remove the alias "${alias}"`, [name], async (tx) => {
      await this.#moveAlias(tx, name, alias, undefined, 'remove', reason);
    });
  }

  /**
   * Moves `alias` back to where it was before its last change (removing it if it was not set
   * then), recorded as a 'rollback'. Rolling back twice undoes the rollback.
   */
  async rollbackAlias(name: string, alias: string): Promise<AliasChange> {
    return this.#write(ALIAS_STORES, `roll back the alias "${alias}"`, [name], async (tx) => {
      const last = (await tx.objectStore('alias-history').index('by-name').getAll(name)).filter((c) => c.alias === alias).at(-1);
      if (!last) throw new StorageError('no-alias-history', `The alias "${alias}" of "${name}" has never moved, so there is nothing to roll back.`, { field: 'alias' });
      if (last.previous !== undefined && !(await tx.objectStore('model-versions').index('by-name-version').get([name, last.previous])))
        throw new StorageError('version-missing', `"${alias}" pointed at version ${last.previous} before, which has been deleted; it cannot be rolled back.`, { field: 'version' });
      return this.#moveAlias(tx, name, alias, last.previous, 'rollback', `back to ${last.previous === undefined ? 'unset' : `version ${last.previous}`} (undoing: ${describeChange(last)})`);
    });
  }

  /** Every alias move of model `name`, oldest first. */
  async aliasHistory(name: string): Promise<AliasChange[]> {
    return this.#db.getAllFromIndex('alias-history', 'by-name', name);
  }

  /** The version an alias points at, with its bundle (e.g. the 'champion' to serve). */
  async getByAlias(name: string, alias: string): Promise<(ModelVersion & { bundle: ModelBundle }) | undefined> {
    const a = await this.#db.get('aliases', [name, alias]);
    return a ? this.getVersion(name, a.version) : undefined;
  }

  /** Deletes a version, its bundle and the aliases pointing at it. Returns the estimated bytes reclaimed. */
  async deleteVersion(name: string, version: number): Promise<number> {
    return this.#write(VERSIONS, `delete "${name}" version ${version}`, [name], async (tx) => {
      const rec = await tx.objectStore('model-versions').index('by-name-version').get([name, version]);
      if (!rec) throw this.#missing(name, version);
      for (const a of await tx.objectStore('aliases').index('by-version').getAll([name, version]))
        await this.#moveAlias(tx, name, a.alias, undefined, 'remove', `version ${version} was deleted`);
      await tx.objectStore('model-versions').delete(rec.id);
      await tx.objectStore('model-bundles').delete(rec.id);
      await this.#touch(tx, name);
      return rec.bytes + estimateBytes(rec);
    });
  }

  /** Deletes a registered model with all its versions and aliases. Returns the estimated bytes reclaimed. */
  async deleteModel(name: string): Promise<number> {
    return this.#write(VERSIONS, `delete the model "${name}"`, [name], async (tx) => {
      const range = IDBKeyRange.bound([name, 0], [name, MAX_VERSION]);
      const versions = await tx.objectStore('model-versions').index('by-name-version').getAll(range);
      let bytes = 0;
      for (const v of versions) {
        bytes += v.bytes + estimateBytes(v);
        await tx.objectStore('model-versions').delete(v.id);
        await tx.objectStore('model-bundles').delete(v.id);
      }
      const aliases = tx.objectStore('aliases');
      for (const key of await aliases.index('by-version').getAllKeys(range)) await aliases.delete(key);
      const history = tx.objectStore('alias-history');
      for (const key of await history.index('by-name').getAllKeys(name)) await history.delete(key);
      await tx.objectStore('registered-models').delete(name);
      return bytes;
    });
  }

  /** Changes a registered model's description. */
  async describeModel(name: string, description: string): Promise<void> {
    await this.#write(['registered-models'], `describe the model "${name}"`, [name], async (tx) => {
      const m = await tx.objectStore('registered-models').get(name);
      if (!m) throw new StorageError('model-missing', `There is no registered model named "${name}".`, { field: 'name' });
      await tx.objectStore('registered-models').put({ ...m, description, updatedAt: this.#now() });
    });
  }

  async #addVersion(
    tx: WriteTx,
    name: string,
    bundle: ModelBundle,
    options: RegisterOptions,
    source: 'run' | 'import',
    sourceRunId: string | undefined,
  ): Promise<ModelVersionRecord> {
    const t = this.#now();
    const models = tx.objectStore('registered-models');
    const existing = await models.get(name);
    // The highest stored version, read in this transaction (covers records written before lastVersion existed).
    const cursor = await tx
      .objectStore('model-versions')
      .index('by-name-version')
      .openCursor(IDBKeyRange.bound([name, 0], [name, MAX_VERSION]), 'prev');
    const maxStored = cursor ? cursor.value.version : 0;
    const version = Math.max(maxStored, existing?.lastVersion ?? 0) + 1;
    const model: RegisteredModelRecord = existing
      ? { ...existing, updatedAt: t, lastVersion: version }
      : { name, description: options.description ?? '', createdAt: t, updatedAt: t, lastVersion: version };
    const rec: ModelVersionRecord = {
      id: crypto.randomUUID(),
      name,
      version,
      createdAt: t,
      author: options.author?.trim() || 'you',
      description: options.description ?? '',
      tags: normalizeTags(options.tags ?? []),
      source,
      ...(sourceRunId !== undefined ? { sourceRunId } : {}),
      modelType: bundle.model.type,
      target: bundle.target,
      ...(bundle.task === 'classification' ? { task: bundle.task, classes: [...(bundle.classes ?? [])] } : {}),
      ...(bundle.decision ? { threshold: bundle.decision.threshold } : {}),
      metrics: bundle.metrics,
      lineage: bundle.lineage,
      bytes: estimateBytes(bundle),
      ...(bundle.referenceSample ? { referenceSampleRows: bundle.referenceSample.rows } : {}),
    };
    await models.put(model);
    await tx.objectStore('model-versions').add(rec);
    await tx.objectStore('model-bundles').add({ id: rec.id, bundle });
    return rec;
  }

  /** Points (or with `version` undefined, removes) an alias and records the move; the one place aliases change. */
  async #moveAlias(tx: WriteTx, name: string, alias: string, version: number | undefined, action: AliasChange['action'], reason?: string): Promise<AliasChange> {
    if (version !== undefined && !(await tx.objectStore('model-versions').index('by-name-version').get([name, version]))) throw this.#missing(name, version);
    const aliases = tx.objectStore('aliases');
    const before = await aliases.get([name, alias]);
    const at = this.#now();
    if (version === undefined) await aliases.delete([name, alias]);
    else await aliases.put({ name, alias, version, setAt: at } satisfies AliasRecord);
    const change: AliasChange = {
      name,
      alias,
      ...(version !== undefined ? { version } : {}),
      ...(before ? { previous: before.version } : {}),
      at,
      action,
      ...(reason ? { reason } : {}),
    };
    // A removal of an alias that was not set changes nothing and is not recorded.
    if (before || version !== undefined) change.id = await tx.objectStore('alias-history').add(change);
    await this.#touch(tx, name);
    return change;
  }

  async #touch(tx: WriteTx, name: string): Promise<void> {
    const models = tx.objectStore('registered-models');
    const m = await models.get(name);
    if (m) await models.put({ ...m, updatedAt: this.#now() });
  }

  #missing(name: string, version: number): StorageError {
    return new StorageError('version-missing', `"${name}" has no version ${version} in this browser.`, { field: 'version' });
  }

  async #write<T>(stores: StoreName[], action: string, names: string[], fn: (tx: WriteTx) => Promise<T>): Promise<T> {
    const result = await writeTransaction(this.#db, stores, action, fn);
    postStorageChange({ type: 'registry-changed', ids: names });
    return result;
  }
}

/** "champion: version 1 → version 2" */
export function describeChange(c: AliasChange): string {
  const v = (n: number | undefined): string => (n === undefined ? 'unset' : `version ${n}`);
  return `${c.alias}: ${v(c.previous)} → ${v(c.version)}`;
}
