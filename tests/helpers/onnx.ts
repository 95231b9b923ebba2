/**
 * Runs an exported ONNX file with onnxruntime-node (a real runtime, not our own code) and
 * compares its predictions with Loupe's.
 */
import * as ort from 'onnxruntime-node';
import type { InputColumn, RecordValue } from '../../src/core/recipe';

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
