/**
 * A loaded model bundle → one ONNX file that any ONNX runtime serves: the fitted recipe
 * (recipe-graph.ts), the model (model-graph.ts, tree-ensemble.ts) and the target's inverse
 * transform, with one named input per input column and one output `prediction` (double [N, 1];
 * NaN for a row Loupe could not predict either). Operator sets: ai.onnx 17 and ai.onnx.ml 3.
 *
 * Which models export is the catalog's `exports`; the others are refused with an ExportError
 * carrying the catalog's reason (`exportRefusal`).
 */
import type { LoadedBundle } from '../bundle/bundle';
import { ExportError } from '../errors';
import { exportRefusal, modelInfo } from '../models/catalog';
import { LOUPE_VERSION } from '../version';
import { GraphBuilder } from './graph-builder';
import { MODEL_WRITERS } from './model-graph';
import { encodeModel } from './onnx-proto';
import { buildRecipeGraph, expm1 } from './recipe-graph';

/** The graph's one output. */
export const ONNX_OUTPUT = 'prediction';
export const ONNX_OPSETS = { '': 17, 'ai.onnx.ml': 3 } as const;

/** The ONNX file's bytes. Throws ExportError when the model or its inputs cannot be exported. */
export function exportOnnx(loaded: LoadedBundle): Uint8Array {
  const { bundle, recipe, model } = loaded;
  const type = bundle.model.type;
  // `model` would export without its calibration (models/calibration-model.ts): refused rather than exported uncalibrated.
  if (bundle.probabilityCalibration)
    throw new ExportError('not-exportable', 'This classifier’s probabilities are calibrated (Platt or isotonic), which the ONNX export does not write: it would give the uncalibrated probabilities.', {
      field: 'probabilityCalibration',
    });
  const refusal = exportRefusal(type, 'onnx');
  if (refusal !== null) throw new ExportError('not-exportable', refusal, { field: 'model.type' });
  const writer = MODEL_WRITERS[type];
  if (!writer) throw new Error(`The catalog lists ONNX for ${type}, but no ONNX writer exists for it.`);
  const inputNames = recipe.inputSchema().map((c) => c.name);
  if (inputNames.includes(ONNX_OUTPUT))
    throw new ExportError('name-clash', `The input column "${ONNX_OUTPUT}" has the name of the ONNX file's output; rename the column and train again to export.`, {
      column: ONNX_OUTPUT,
    });

  const g = new GraphBuilder([...inputNames, ONNX_OUTPUT]);
  const features = buildRecipeGraph(g, recipe);
  const serialized = model.toJSON();
  let y = writer(g, serialized.state, features.features, features.width, serialized.params);
  if (recipe.recipe.targetTransform === 'log1p') y = expm1(g, y);
  if (features.invalid) y = g.op('Where', [features.invalid, g.scalar('nan', NaN), y]);
  g.op('Identity', [y], {}, { output: ONNX_OUTPUT });

  const info = modelInfo(type);
  const doc =
    `${info.label} predicting "${bundle.target}", exported by Loupe ${LOUPE_VERSION} from the bundle "${bundle.name}". ` +
    'Inputs: one per column, numbers as double [N, 1] (NaN = missing), categories as string [N, 1]. Output: prediction, double [N, 1].';
  return encodeModel({
    irVersion: 8,
    opsets: { ...ONNX_OPSETS },
    producerName: 'loupe',
    producerVersion: LOUPE_VERSION,
    doc,
    metadata: {
      target: bundle.target,
      model_type: type,
      bundle_name: bundle.name,
      dataset_sha256: bundle.lineage.datasetHash,
      target_transform: recipe.recipe.targetTransform,
    },
    graph: g.graph(
      'loupe',
      features.inputs,
      [{ name: ONNX_OUTPUT, type: 'double', dims: ['N', 1], doc: `predicted ${bundle.target}; NaN where the row cannot be predicted` }],
      doc,
    ),
  });
}
