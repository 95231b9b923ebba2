/**
 * DatasetWorker (the EDA and Prepare workers' owner): the dataset goes over once per version,
 * column by column, before any request; only the newest request of a slot is answered, and a
 * superseded request resolves to STALE whatever the worker says and whenever it says it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Column, Table } from '../../src/core/data/types';
import { DatasetWorker, STALE, type SlotRequest } from '../../src/app/dataset-worker';
import { Deferred, FakeWorkers } from './fake-worker';

type Slot = 'a' | 'b';

/** A worker that records what it was sent and answers `ask` when the test resolves the call. */
function makeApi() {
  const log: string[] = [];
  const asked: { req: SlotRequest<Slot>; q: string; answer: Deferred<string>; columnsHeld: number }[] = [];
  let columns = 0;
  return {
    log,
    asked,
    open(dataset: string, rowCount: number) {
      columns = 0;
      log.push(`open ${dataset} ${rowCount}`);
    },
    addColumn(dataset: string, column: Column) {
      columns++;
      log.push(`column ${dataset} ${column.name}`);
    },
    ask(req: SlotRequest<Slot>, q: string): Promise<string> {
      const answer = new Deferred<string>();
      asked.push({ req, q, answer, columnsHeld: columns });
      return answer.promise;
    },
  };
}
type Api = ReturnType<typeof makeApi>;

function table(...names: string[]): Table {
  return { rowCount: 3, columns: names.map((name) => ({ type: 'numeric', name, values: Float64Array.from([1, 2, 3]) })) };
}

let workers: FakeWorkers<Api>;
let dw: DatasetWorker<Api, Slot>;

function setup(): void {
  workers = new FakeWorkers(makeApi);
  dw = new DatasetWorker<Api, Slot>(workers.spawn, ['a', 'b'], 'test');
}

const ask = (slot: Slot, q: string) => dw.request(slot, (api, req) => api.ask(req, q));
const worker = () => workers.started[0].api;

/** The test's view of the worker's calls (comlink delivers them asynchronously). */
async function askedOnce(n: number): Promise<void> {
  await expect.poll(() => worker().asked.length).toBe(n);
}

afterEach(() => {
  dw?.dispose();
  workers?.closeAll();
});

describe('DatasetWorker', () => {
  it('sends a dataset once per version, every column before the first request', async () => {
    setup();
    dw.load('v1', table('x', 'y', 'z'), (api) => api.open('v1', 3));
    dw.load('v1', table('x', 'y', 'z'), (api) => api.open('v1', 3));
    const answer = ask('a', 'q1');
    await askedOnce(1);
    expect(worker().log).toEqual(['open v1 3', 'column v1 x', 'column v1 y', 'column v1 z']);
    expect(worker().asked[0].columnsHeld).toBe(3);
    expect(worker().asked[0].req).toMatchObject({ dataset: 'v1', slot: 'a' });
    worker().asked[0].answer.resolve('r1');
    expect(await answer).toBe('r1');
    expect(workers.started).toHaveLength(1);
  });

  it('a superseded request resolves STALE even when its answer comes last; other slots are not touched', async () => {
    setup();
    dw.load('v1', table('x'), (api) => api.open('v1', 3));
    const first = ask('a', 'slow');
    const other = ask('b', 'other');
    await askedOnce(2);
    const second = ask('a', 'fast');
    await askedOnce(3);
    const byQ = (q: string) => worker().asked.find((x) => x.q === q)!;
    // The worker is told which request is newer (it may skip superseded work).
    expect(byQ('fast').req.seq).toBeGreaterThan(byQ('slow').req.seq);
    byQ('fast').answer.resolve('fast answer');
    expect(await second).toBe('fast answer');
    byQ('slow').answer.resolve('slow answer');
    expect(await first).toBe(STALE);
    byQ('other').answer.resolve('other answer');
    expect(await other).toBe('other answer');
  });

  it('a superseded request that fails is STALE too; the newest one failing rejects', async () => {
    setup();
    dw.load('v1', table('x'), (api) => api.open('v1', 3));
    const first = ask('a', 'one');
    await askedOnce(1);
    const second = ask('a', 'two');
    await askedOnce(2);
    worker().asked[0].answer.reject(new Error('cancelled in the worker'));
    expect(await first).toBe(STALE);
    worker().asked[1].answer.reject(new Error('bad column'));
    await expect(second).rejects.toThrow('bad column');
  });

  it('invalidate and a new dataset make pending requests STALE; the new dataset is sent before new requests', async () => {
    setup();
    dw.load('v1', table('x'), (api) => api.open('v1', 3));
    const a = ask('a', 'a-v1');
    const b = ask('b', 'b-v1');
    await askedOnce(2);
    dw.invalidate('a');
    dw.load('v2', table('p', 'q'), (api) => api.open('v2', 3));
    const b2 = ask('b', 'b-v2');
    await askedOnce(3);
    for (const x of worker().asked) x.answer.resolve(`answer ${x.q}`);
    expect(await a).toBe(STALE);
    expect(await b).toBe(STALE);
    expect(await b2).toBe('answer b-v2');
    expect(worker().asked[2].req.dataset).toBe('v2');
    expect(worker().log.slice(-3)).toEqual(['open v2 3', 'column v2 p', 'column v2 q']);
    expect(worker().asked[2].columnsHeld).toBe(2);
  });

  it('refuses a request before any dataset was sent', async () => {
    setup();
    await expect(ask('a', 'q')).rejects.toThrow(/No dataset was sent to the test worker/);
    expect(workers.started).toHaveLength(0);
  });
});
