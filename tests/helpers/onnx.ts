/**
 * Runs an exported ONNX file with onnxruntime-node (a real runtime, not our own code) and
 * compares its predictions with Loupe's.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import type { InputColumn, RecordValue } from '../../src/core/recipe';
import { GEMSTONE_CSV, TEST_IDS } from './gemstone';

/** One value per row and input column, as a person would hand them to an ONNX runtime. */
export type OnnxColumns = Record<string, Float64Array | string[]>;

/**
 * The ONNX inputs for `records`: numbers (and numbers with a unit) as double [N, 1] with NaN for
 * a missing cell, categories as string [N, 1] with '' for a missing cell.
 */
export function onnxColumns(schema: InputColumn[], records: Array<Record<string, RecordValue>>): OnnxColumns {
  const out: OnnxColumns = {};
  for (const c of schema) {
    if (c.kind === 'numeric' || c.kind === 'unit') {
      out[c.name] = Float64Array.from(records, (r) => {
        const v = r[c.name];
        if (v === null || v === undefined || v === '') return NaN;
        return typeof v === 'number' ? v : Number.parseFloat(v);
      });
    } else out[c.name] = records.map((r) => (r[c.name] === null || r[c.name] === undefined ? '' : String(r[c.name])));
  }
  return out;
}

export async function runOnnx(bytes: Uint8Array, columns: OnnxColumns): Promise<{ prediction: Float64Array; session: ort.InferenceSession }> {
  const session = await ort.InferenceSession.create(bytes);
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, v] of Object.entries(columns))
    feeds[name] = v instanceof Float64Array ? new ort.Tensor('float64', v, [v.length, 1]) : new ort.Tensor('string', v, [v.length, 1]);
  const out = await session.run(feeds);
  const p = out.prediction;
  if (p.type !== 'float64' || p.dims.length !== 2 || p.dims[1] !== 1) throw new Error(`prediction is ${p.type} ${JSON.stringify(p.dims)}, not float64 [N, 1]`);
  return { prediction: p.data as Float64Array, session };
}

/** Largest |onnx − loupe| / |loupe| over rows both predict; rows where only one is NaN are counted apart. */
export function compare(onnx: Float64Array, loupe: Float64Array): { worstRelative: number; worstRow: number; nanMismatches: number; nanRows: number } {
  let worstRelative = 0;
  let worstRow = -1;
  let nanMismatches = 0;
  let nanRows = 0;
  for (let i = 0; i < loupe.length; i++) {
    const a = onnx[i];
    const b = loupe[i];
    if (Number.isNaN(a) || Number.isNaN(b)) {
      if (Number.isNaN(a) !== Number.isNaN(b)) nanMismatches++;
      else nanRows++;
      continue;
    }
    const rel = a === b ? 0 : Math.abs(a - b) / Math.abs(b);
    if (rel > worstRelative) {
      worstRelative = rel;
      worstRow = i;
    }
  }
  return { worstRelative, worstRow, nanMismatches, nanRows };
}

/** The gemstone reference split as CSV text (train, test), and the test rows as ONNX inputs read from the file's cells. */
export interface GemstoneText {
  trainCsv: string;
  testCsv: string;
  testRows: number;
  testColumns(schema: readonly { name: string; kind: string }[]): OnnxColumns;
}

export function gemstoneText(): GemstoneText {
  const lines = readFileSync(GEMSTONE_CSV, 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  const idAt = header.indexOf('id');
  const testIds = new Set(readFileSync(TEST_IDS, 'utf8').trim().split(/\s+/));
  const trainLines = [lines[0]];
  const testLines = [lines[0]];
  for (const l of lines.slice(1)) (testIds.has(l.split(',')[idAt]) ? testLines : trainLines).push(l);
  const cells = testLines.slice(1).map((l) => l.split(','));
  return {
    trainCsv: trainLines.join('\n') + '\n',
    testCsv: testLines.join('\n') + '\n',
    testRows: cells.length,
    testColumns(schema) {
      const out: OnnxColumns = {};
      for (const c of schema) {
        const j = header.indexOf(c.name);
        out[c.name] = c.kind === 'numeric' || c.kind === 'unit' ? Float64Array.from(cells, (r) => Number(r[j])) : cells.map((r) => r[j]);
      }
      return out;
    },
  };
}
