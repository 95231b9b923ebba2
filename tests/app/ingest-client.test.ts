/**
 * IngestClient on an in-process ingest worker: progress while parsing, cancel (at once for the
 * page; the worker asked to stop, and terminated when it does not), and a newer file superseding
 * one still being parsed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { IngestClient } from '../../src/app/IngestClient.svelte';
import { CancelledError } from '../../src/core/errors';
import type { ParseProgress } from '../../src/core/data/types';
import type { IngestResult } from '../../workers/protocol';
import { Deferred, FakeWorkers, settle } from './fake-worker';

/** An ingest worker whose parse reports progress, then answers when the test says (or stops on cancel, when it honours it). */
function makeApi(honoursCancel: boolean) {
  return () => {
    const parses: { name: string; answer: Deferred<IngestResult> }[] = [];
    return {
      parses,
      cancelled: 0,
      async parse(file: Blob, onProgress?: (p: ParseProgress) => void): Promise<IngestResult> {
        const text = await file.text();
        const answer = new Deferred<IngestResult>();
        parses.push({ name: text, answer });
        onProgress?.({ bytesRead: 1, totalBytes: file.size, rows: 1 });
        return answer.promise;
      },
      cancel() {
        this.cancelled++;
        if (honoursCancel) parses.at(-1)?.answer.reject(new CancelledError('stopped in the worker'));
      },
    };
  };
}

/** What the worker answers for a file: only its identity matters here. */
const result = (hash: string) => ({ hash }) as unknown as IngestResult;

let workers: FakeWorkers<ReturnType<ReturnType<typeof makeApi>>>;
let client: IngestClient;

function setup(honoursCancel: boolean, terminateAfterMs = 50): void {
  workers = new FakeWorkers(makeApi(honoursCancel));
  client = new IngestClient({ spawn: workers.spawn, terminateAfterMs });
}

const file = (text: string) => new Blob([text]);
const worker = (i = 0) => workers.started[i].api;

afterEach(() => {
  client?.dispose();
  workers?.closeAll();
});

describe('IngestClient', () => {
  it('parses in the worker, shows progress while busy, and resolves with its answer', async () => {
    setup(true);
    const parsing = client.parse(file('a,b\n1,2\n'));
    expect(client.busy).toBe(true);
    await expect.poll(() => client.progress?.rows).toBe(1);
    worker().parses[0].answer.resolve(result('h1'));
    expect((await parsing).hash).toBe('h1');
    expect(client.busy).toBe(false);
    expect(client.progress).toBeNull();
  });

  it('cancel rejects at once; a worker that stops is kept for the next file', async () => {
    setup(true);
    const parsing = client.parse(file('first'));
    await expect.poll(() => worker().parses.length).toBe(1);
    client.cancel();
    await expect(parsing).rejects.toBeInstanceOf(CancelledError);
    expect(client.busy).toBe(false);
    await expect.poll(() => worker().cancelled).toBe(1);
    await settle(100);
    expect(workers.started[0].worker.terminated).toBe(false);
    const next = client.parse(file('second'));
    await expect.poll(() => worker().parses.length).toBe(2);
    worker().parses[1].answer.resolve(result('h2'));
    expect((await next).hash).toBe('h2');
    expect(workers.started).toHaveLength(1);
  });

  it('a worker that does not stop is terminated after the grace period; the next file gets a fresh worker', async () => {
    setup(false, 40);
    const parsing = client.parse(file('stuck'));
    await expect.poll(() => worker().parses.length).toBe(1);
    client.cancel();
    await expect(parsing).rejects.toThrow('Loading was cancelled.');
    await expect.poll(() => workers.started[0].worker.terminated).toBe(true);
    const next = client.parse(file('after'));
    await expect.poll(() => workers.started.length).toBe(2);
    await expect.poll(() => worker(1).parses.length).toBe(1);
    worker(1).parses[0].answer.resolve(result('h3'));
    expect((await next).hash).toBe('h3');
  });

  it('a newer file supersedes one still parsing: the older rejects, the newer starts on a fresh worker at once', async () => {
    setup(false, 10_000);
    const first = client.parse(file('old'));
    await expect.poll(() => worker().parses.length).toBe(1);
    const second = client.parse(file('new'));
    await expect(first).rejects.toThrow('Superseded by a newer file.');
    expect(workers.started[0].worker.terminated).toBe(true);
    await expect.poll(() => worker(1).parses.length).toBe(1);
    expect(worker(1).parses[0].name).toBe('new');
    worker(1).parses[0].answer.resolve(result('h4'));
    expect((await second).hash).toBe('h4');
  });
});
