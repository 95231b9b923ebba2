/**
 * `loupe export-onnx <model.json> <out.onnx>`: writes a model bundle as one ONNX file (the
 * fitted recipe, the model and the target's inverse transform; see src/core/onnx/export.ts) and
 * prints its inputs and output. A model that cannot be exported (KNN) is refused with the reason.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseBundle } from '../core/bundle/bundle';
import { checkBundleSize } from '../core/bundle/limits';
import { exportOnnx, ONNX_OUTPUT } from '../core/onnx';
import { parseArgs, rejectUnknown, UsageError } from './args';
import type { Command } from './command';

const USAGE = `loupe export-onnx <model.json> <out.onnx>

Writes the model bundle as one ONNX file that any ONNX runtime can serve: the fitted recipe
(imputation, scaling, encoding, derived features), the model and the target's inverse transform.
Inputs: one per input column, numbers as double [N, 1] (NaN for missing; a unit column takes the
number), categories as string [N, 1]. Output: "${ONNX_OUTPUT}", double [N, 1] (NaN where Loupe too
could not predict the row). k-nearest-neighbour models cannot be exported.`;

export const exportOnnxCommand: Command = {
  name: 'export-onnx',
  summary: 'write a model bundle as an ONNX file (recipe + model) for any ONNX runtime',
  usage: USAGE,
  async run(argv, io) {
    const args = parseArgs(argv);
    rejectUnknown(args, ['help']);
    if (args.positionals.length !== 2) throw new UsageError('export-onnx takes a model bundle and the ONNX file to write');
    const [modelPath, outPath] = args.positionals;
    checkBundleSize((await stat(modelPath)).size, basename(modelPath));
    const loaded = parseBundle(await readFile(modelPath, 'utf8'));
    const bytes = exportOnnx(loaded);
    await writeFile(outPath, bytes);
    const inputs = loaded.recipe.inputSchema().map((c) => `  ${c.name}: ${c.kind === 'numeric' || c.kind === 'unit' ? `double [N, 1]${c.unit ? ` (the number, in ${c.unit})` : ''}` : 'string [N, 1]'}`);
    io.err([`wrote ${outPath} (${bytes.length.toLocaleString('en-US')} bytes): ${loaded.bundle.model.type} predicting "${loaded.bundle.target}"`, 'inputs:', ...inputs, `output:\n  ${ONNX_OUTPUT}: double [N, 1]`].join('\n'));
    return 0;
  },
};
