/**
 * `loupe report <model.json> <out.html> [--title <text>]`: writes the model report, one
 * self-contained HTML page (metrics, intervals, plots, parameters, lineage, data profile; no
 * script, no external resource, no data rows), from the bundle alone.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { openBundle } from '../core/bundle/bundle';
import { checkBundleSize } from '../core/bundle/limits';
import { modelReport } from '../core/report';
import { parseArgs, rejectUnknown, stringOption, UsageError } from './args';
import type { Command } from './command';

const USAGE = `loupe report <model.json> <out.html> [--title <text>]

Writes the model report of a bundle as one HTML file that opens offline in any browser:
metrics, prediction intervals and their coverage, predicted-vs-actual and residual plots,
parameters, lineage, the training data's profile and a SHAP summary (mean |SHAP| per input
column over the bundle's sample of training rows). It holds aggregates only, never a row.
  --title <text>   heading of the report (default: the bundle's name)`;

export const reportCommand: Command = {
  name: 'report',
  summary: 'write the HTML model report of a bundle',
  usage: USAGE,
  async run(argv, io) {
    const args = parseArgs(argv, ['title']);
    rejectUnknown(args, ['title', 'help']);
    if (args.positionals.length !== 2) throw new UsageError('report takes a model bundle and the HTML file to write');
    const [modelPath, outPath] = args.positionals;
    if (!/\.html?$/i.test(outPath)) throw new UsageError(`the report is HTML: name the output file *.html, got "${outPath}"`);
    checkBundleSize((await stat(modelPath)).size, basename(modelPath));
    const loaded = await openBundle(await readFile(modelPath, 'utf8'));
    const title = stringOption(args, 'title');
    await writeFile(outPath, modelReport(loaded, title !== undefined ? { title } : {}, { tfReady: true }));
    if (!loaded.intervals) io.err(`${basename(modelPath)} has no prediction intervals; the report says so.`);
    if (!loaded.diagnostics) io.err(`${basename(modelPath)} holds no evaluation diagnostics (made before Loupe kept them); the report has no plots.`);
    io.err(`wrote ${outPath}`);
    return 0;
  },
};
