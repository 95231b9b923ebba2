/**
 * The Explore screen's state with an in-process EDA worker whose answers the test releases in any
 * order: the charts end on the newest request of each slot, never on a late answer to an older one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DatasetLibrary, OpenDataset } from '../../src/app/DatasetLibrary.svelte';
import { EdaClient } from '../../src/app/eda-client';
import { Exploration } from '../../src/app/Exploration.svelte';
import type { RecipeState } from '../../src/app/RecipeState.svelte';
import type { ClassBalance, FeatureVsClass, TargetDistribution, TargetVsFeature } from '../../src/core/eda';
import type { EdaRequest } from '../../workers/protocol';
import { parseCsv } from '../../src/core/data';
import { sampleDataset } from './datasets';
import { Deferred, FakeWorkers } from './fake-worker';

interface Call {
  method: string;
  /** What was asked: the feature, the target and scale, … */
  what: string;
  req: EdaRequest;
  answer: Deferred<unknown>;
}

/** An EDA worker that answers each request when the test says, with a marker naming the request. */
function makeApi() {
  const calls: Call[] = [];
  const call = <T>(method: string, req: EdaRequest, what: string): Promise<T> => {
    const answer = new Deferred<unknown>();
    calls.push({ method, what, req, answer });
    return answer.promise as Promise<T>;
  };
  return {
    calls,
    open() {},
    addColumn() {},
    findings: (req: EdaRequest, target: string | null, classes?: boolean) => call('findings', req, `${String(target)}${classes ? ' classes' : ''}`),
    targetDistribution: (req: EdaRequest, target: string, log: boolean) => call<TargetDistribution>('targetDistribution', req, `${target}${log ? ' log' : ''}`),
    correlation: (req: EdaRequest, columns: string[], method: string) => call('correlation', req, method),
    distributions: (req: EdaRequest, columns: string[]) => call('distributions', req, columns.join(',')),
    targetVsFeature: (req: EdaRequest, target: string, feature: string) => call<TargetVsFeature>('targetVsFeature', req, `${target}~${feature}`),
    classBalance: (req: EdaRequest, target: string) => call<ClassBalance>('classBalance', req, target),
    featureVsClass: (req: EdaRequest, target: string, feature: string) => call<FeatureVsClass>('featureVsClass', req, `${target}~${feature}`),
  };
}

let workers: FakeWorkers<ReturnType<typeof makeApi>>;
let exploration: Exploration;
let library: { current: OpenDataset | null };

async function setup(kind: 'gemstones' | 'churn' = 'gemstones', recipe: Partial<RecipeState> = { edited: false, recipe: null }): Promise<void> {
  workers = new FakeWorkers(makeApi);
  library = { current: await sampleDataset('v1', 200, 1, kind) };
  Object.assign(recipe, { reset() {} });
  exploration = new Exploration(library as unknown as DatasetLibrary, recipe as unknown as RecipeState, new EdaClient(workers.spawn));
  exploration.sync();
}

const calls = () => workers.started[0].api.calls;
const pending = (method: string, what: string, dataset = 'v1') => calls().find((c) => c.method === method && c.what === what && c.req.dataset === dataset);

/** Waits until the worker has been asked `what` of `method`. */
async function asked(method: string, what: string, dataset = 'v1'): Promise<Call> {
  await expect.poll(() => pending(method, what, dataset) !== undefined).toBe(true);
  return pending(method, what, dataset)!;
}

/** Waits until the worker has been asked `what` of `method`, and answers it with a marker (or fails it). */
async function answer(method: string, what: string, fail = false, dataset = 'v1'): Promise<void> {
  const c = await asked(method, what, dataset);
  if (fail) c.answer.reject(new Error(`no ${what}`));
  else c.answer.resolve({ marker: `${dataset} ${what}` });
}

/** The marker of a slot's value once the page has taken the answers in. */
const marker = (v: unknown) => (v as { marker?: string } | null)?.marker ?? null;

const pause = (ms = 30) => new Promise((ok) => setTimeout(ok, ms));

afterEach(() => {
  exploration?.dispose();
  workers?.closeAll();
});

describe('Exploration', () => {
  it('asks for every chart of the opened dataset and shows each answer in its slot', async () => {
    await setup();
    expect(exploration.target).toBe('price');
    expect(exploration.selected).toBe('carat');
    expect(exploration.relation.loading).toBe(true);
    await answer('targetDistribution', 'price');
    await answer('targetVsFeature', 'price~carat');
    await expect.poll(() => marker(exploration.relation.value)).toBe('v1 price~carat');
    expect(marker(exploration.targetDistribution.value)).toBe('v1 price');
    expect(exploration.relation.loading).toBe(false);
    expect(workers.started).toHaveLength(1);
  });

  it('quick picks end on the last column picked, whatever order the answers come in', async () => {
    await setup();
    const carat = await asked('targetVsFeature', 'price~carat');
    exploration.select('depth');
    const depth = await asked('targetVsFeature', 'price~depth');
    exploration.select('cut');
    exploration.select('table');
    await answer('targetVsFeature', 'price~table');
    await expect.poll(() => marker(exploration.relation.value)).toBe('v1 price~table');
    // The older answers arrive late and change nothing.
    carat.answer.resolve({ marker: 'late carat' });
    depth.answer.resolve({ marker: 'late depth' });
    pending('targetVsFeature', 'price~cut')?.answer.resolve({ marker: 'late cut' });
    await pause();
    expect(marker(exploration.relation.value)).toBe('v1 price~table');
    expect(exploration.relation.loading).toBe(false);
    // The worker is told which request is newest (so it may skip superseded work).
    expect(pending('targetVsFeature', 'price~table')!.req.seq).toBeGreaterThan(depth.req.seq);
    expect(depth.req.seq).toBeGreaterThan(carat.req.seq);
  });

  it('keeps the shown chart while a scale toggle is computed, then replaces it', async () => {
    await setup();
    await answer('targetDistribution', 'price');
    await expect.poll(() => marker(exploration.targetDistribution.value)).toBe('v1 price');
    exploration.setTargetLog(true);
    expect(exploration.targetDistribution.loading).toBe(true);
    expect(marker(exploration.targetDistribution.value)).toBe('v1 price');
    await answer('targetDistribution', 'price log');
    await expect.poll(() => marker(exploration.targetDistribution.value)).toBe('v1 price log');
  });

  it('shows the failure of the newest request; a superseded failure changes nothing', async () => {
    await setup();
    await asked('targetVsFeature', 'price~carat');
    exploration.select('depth');
    await answer('targetVsFeature', 'price~carat', true);
    await answer('targetVsFeature', 'price~depth');
    await expect.poll(() => marker(exploration.relation.value)).toBe('v1 price~depth');
    expect(exploration.relation.problem).toBeNull();
    exploration.select('x');
    await answer('targetVsFeature', 'price~x', true);
    await expect.poll(() => exploration.relation.problem?.message ?? '').toMatch(/no price~x/);
    expect(exploration.relation.value).toBeNull();
  });

  it('a label target gets its class balance, the features against its classes and its class findings; never the number-only charts', async () => {
    await setup('churn');
    expect(exploration.target).toBe('Churn');
    expect(exploration.targetIsClasses).toBe(true);
    expect(exploration.targetChoices).toEqual(expect.arrayContaining(['Churn', 'Contract', 'tenure', 'MonthlyCharges']));
    expect(exploration.selected).toBe('SeniorCitizen');
    await answer('classBalance', 'Churn');
    await answer('featureVsClass', 'Churn~SeniorCitizen');
    await answer('findings', 'Churn classes');
    await expect.poll(() => marker(exploration.relation.value)).toBe('v1 Churn~SeniorCitizen');
    expect(marker(exploration.targetDistribution.value)).toBe('v1 Churn');
    exploration.select('Contract');
    await answer('featureVsClass', 'Churn~Contract');
    await expect.poll(() => marker(exploration.relation.value)).toBe('v1 Churn~Contract');
    expect(calls().filter((c) => c.method === 'targetDistribution' || c.method === 'targetVsFeature')).toEqual([]);
    // A number picked as the target gets the number charts again.
    exploration.setTarget('MonthlyCharges');
    expect(exploration.targetIsClasses).toBe(false);
    await answer('targetDistribution', 'MonthlyCharges');
    await answer('targetVsFeature', 'MonthlyCharges~Contract');
    await answer('findings', 'MonthlyCharges');
    await expect.poll(() => marker(exploration.relation.value)).toBe('v1 MonthlyCharges~Contract');
  });

  it("an edited recipe's task decides whether a 0/1 column is explored as classes", async () => {
    const ds = await sampleDataset('v1', 200, 1, 'churn');
    const recipe = { edited: true, recipe: { target: 'SeniorCitizen' }, task: { task: 'classification', reason: 'chosen in the recipe' } };
    await setup('churn', recipe as unknown as Partial<RecipeState>);
    expect(ds.meta.schema.find((c) => c.name === 'SeniorCitizen')?.storage).toBe('numeric');
    expect(exploration.target).toBe('SeniorCitizen');
    expect(exploration.targetIsClasses).toBe(true);
    await asked('classBalance', 'SeniorCitizen');
    expect(calls().some((c) => c.method === 'targetDistribution')).toBe(false);
    exploration.dispose();
    workers.closeAll();
    // The same column, the recipe training a regression on it: a number.
    await setup('churn', { ...recipe, task: { task: 'regression', reason: 'chosen in the recipe' } } as unknown as Partial<RecipeState>);
    expect(exploration.targetIsClasses).toBe(false);
    await asked('targetDistribution', 'SeniorCitizen');
  });

  it('without a proposed target, shows the last numeric measurement as before, not a later column of classes', async () => {
    await setup();
    const ds = await parseCsv(['weight,height,colour', ...Array.from({ length: 40 }, (_, i) => `${(i * 3.5) % 20},${(i * 7) % 13},${i % 3 ? 'red' : 'blue'}`)].join('\n') + '\n');
    library.current = { table: ds.table, meta: { ...(await sampleDataset('v3')).meta, id: 'v3', schema: ds.schema, profile: ds.profile } };
    exploration.sync();
    expect(exploration.targetChoices).toEqual(['weight', 'height', 'colour']);
    expect(exploration.target).toBe('height');
    expect(exploration.targetIsClasses).toBe(false);
  });

  it('drops answers about a dataset that is no longer open', async () => {
    await setup();
    const old = await asked('targetVsFeature', 'price~carat');
    library.current = await sampleDataset('v2', 150, 2);
    exploration.sync();
    expect(exploration.dataset?.meta.id).toBe('v2');
    old.answer.resolve({ marker: 'old dataset' });
    await pause();
    expect(exploration.relation.value).toBeNull();
    expect(exploration.relation.loading).toBe(true);
    await answer('targetVsFeature', 'price~carat', false, 'v2');
    await expect.poll(() => marker(exploration.relation.value)).toBe('v2 price~carat');
  });
});
