/**
 * The CLI's read worker (src/cli/read-worker*.ts): the chunks it reads in a worker thread are the
 * chunks readChunks reads here (columns, lines, problems, progress); a file error comes back with
 * its class, code, message and row; a worker that cannot start leaves the reading to this thread
 * with the same result; a cancel stops it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openFileSource } from '../../src/cli/node-source';
import { ReadWorker } from '../../src/cli/read-worker-client';
import { CancelledError, CsvError } from '../../src/core/errors';
import { chunkLine, type ChunkLayout, type ReadChunk } from '../../src/core/pipeline/stream-chunk';
import { readChunks, type ChunkReadHandlers } from '../../src/core/pipeline/stream-read';
import type { ChunkReader } from '../../src/core/pipeline/stream-predict';
import type { InputColumn } from '../../src/core/recipe';
import { generateSampleGemstones } from '../../src/core/sample';

const dir = mkdtempSync(join(tmpdir(), 'loupe-read-worker-'));
const INPUTS: InputColumn[] = [
  { name: 'carat', kind: 'numeric' },
  { name: 'cut', kind: 'categorical' },
  { name: 'depth', kind: 'numeric' },
];

/** A plain file with a few rows the fast path cannot take: quoted, short, non-ASCII, blank. */
function writeFile(rows: number): string {
  const lines = generateSampleGemstones(rows, 5).trimEnd().split('\n');
  lines[0] += ',note';
  for (let i = 1; i < lines.length; i++) lines[i] += i % 7 === 0 ? ',café' : ',x';
  lines[3000] = lines[3000].replace(/,x$/, ',"a, b"');
  lines[4000] = lines[4000].split(',').slice(0, 3).join(',');
  lines[5000] = lines[5000].replace(/^(\d+),[^,]*,/, '$1,n/a,');
  lines.splice(6000, 0, '');
  const path = join(dir, `rows-${rows}.csv`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

/** What a chunk says, in plain values (its lines as text, whatever form they came in). */
function digest(c: ReadChunk): unknown {
  const columns = [...c.read.columns.values()].map((col) => (col.type === 'numeric' ? Array.from(col.values) : [Array.from(col.codes), col.levels]));
  const lines = Array.from({ length: c.n }, (_, i) => chunkLine(c, i) ?? c.cells[i]);
  return { n: c.n, ragged: c.ragged, columns, lines, unreadable: [...c.read.unreadable], absent: [...c.read.absent] };
}

async function readAll(reader: ChunkReader, options: { chunkRows: number; signal?: AbortSignal }): Promise<{ header: string[]; chunks: unknown[]; bytesRead: number }> {
  let header: string[] = [];
  const chunks: unknown[] = [];
  const handlers: ChunkReadHandlers = {
    header: (names): ChunkLayout => {
      header = names;
      return { header: names, inputs: INPUTS };
    },
    chunk: (c) => {
      chunks.push(digest(c));
    },
  };
  const end = await reader(handlers, options);
  return { header, chunks, bytesRead: end.bytesRead };
}

async function here(path: string, chunkRows: number): Promise<Awaited<ReturnType<typeof readAll>>> {
  const source = await openFileSource(path);
  try {
    return await readAll((h, o) => readChunks(source, h, o), { chunkRows });
  } finally {
    await source.close();
  }
}

describe('the CLI read worker', () => {
  it('reads the same chunks in a worker thread as readChunks here', async () => {
    const path = writeFile(25_000);
    const expected = await here(path, 4000);
    const worker = new ReadWorker(path, 4000);
    const source = await openFileSource(path);
    try {
      const got = await readAll(worker.reader(source), { chunkRows: 4000 });
      expect(worker.readIn).toBe('worker');
      expect(got.header).toEqual(expected.header);
      expect(got.chunks.length).toBe(7);
      expect(got.chunks).toEqual(expected.chunks);
      expect(got.bytesRead).toBe(expected.bytesRead);
    } finally {
      worker.stop();
      await source.close();
    }
  }, 60_000);

  it('a worker that cannot start leaves the reading here, with the same chunks', async () => {
    const path = writeFile(9000);
    const expected = await here(path, 2500);
    const worker = new ReadWorker(path, 2500, { entry: new URL('./no-such-worker.ts', import.meta.url).href });
    const source = await openFileSource(path);
    try {
      const got = await readAll(worker.reader(source), { chunkRows: 2500 });
      expect(worker.readIn).toBe('here');
      expect(got.chunks).toEqual(expected.chunks);
    } finally {
      worker.stop();
      await source.close();
    }
  }, 60_000);

  it('a file error comes back with its class, code, message and row', async () => {
    const path = join(dir, 'not-utf8.csv');
    const text = generateSampleGemstones(3000, 2);
    const at = text.indexOf('\n', text.length - 2000) + 1;
    writeFileSync(path, Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from(text.slice(at))]));
    const source = await openFileSource(path);
    let expected: unknown;
    try {
      await readAll((h, o) => readChunks(source, h, o), { chunkRows: 1000 });
    } catch (e) {
      expected = e;
    }
    expect(expected).toBeInstanceOf(CsvError);
    const worker = new ReadWorker(path, 1000);
    try {
      const err = await readAll(worker.reader(source), { chunkRows: 1000 }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(worker.readIn).toBe('worker');
      expect(err).toBeInstanceOf(CsvError);
      const e = err as CsvError;
      const x = expected as CsvError;
      expect({ code: e.code, message: e.message, where: e.where }).toEqual({ code: x.code, message: x.message, where: x.where });
    } finally {
      worker.stop();
      await source.close();
    }
  }, 60_000);

  it('a cancel stops the reading with CancelledError', async () => {
    const path = writeFile(40_000);
    const worker = new ReadWorker(path, 1000);
    const source = await openFileSource(path);
    const controller = new AbortController();
    let chunks = 0;
    try {
      const err = await worker
        .reader(source)(
          {
            header: (names) => ({ header: names, inputs: INPUTS }),
            chunk: () => {
              if (++chunks === 3) controller.abort();
            },
          },
          { chunkRows: 1000, signal: controller.signal },
        )
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(CancelledError);
      expect(chunks).toBeLessThan(40);
    } finally {
      worker.stop();
      await source.close();
    }
  }, 60_000);
});
