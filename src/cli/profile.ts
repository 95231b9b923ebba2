/** `loupe profile <file.csv>`: reads a CSV and prints its schema, profile and warnings as JSON. */
import { parseCsv } from '../core/data/index';
import { numberOption, parseArgs, rejectUnknown, stringOption, UsageError } from './args';
import type { Command } from './command';
import { fileSha256, openFileSource } from './node-source';

const USAGE = `loupe profile <file.csv> [--delimiter <c>] [--missing <a,b,...>] [--chunk-mb <n>]

Reads the CSV and prints JSON: rows, columns (name, kind, reason, missing, profile fields),
warnings, ragged rows and the file's SHA-256.
  --delimiter   force the delimiter (default: detected among , ; tab |)
  --missing     comma-separated missing-value markers (default: '',NA,N/A,null,NaN,?,-)
  --chunk-mb    bytes per read, in MiB (default 4)`;

export const profileCommand: Command = {
  name: 'profile',
  summary: 'profile a CSV file (schema, statistics, warnings) as JSON',
  usage: USAGE,
  async run(argv, io) {
    const args = parseArgs(argv, ['delimiter', 'missing', 'chunk-mb']);
    rejectUnknown(args, ['delimiter', 'missing', 'chunk-mb', 'help']);
    if (args.positionals.length !== 1) throw new UsageError('profile takes exactly one CSV file');
    const file = args.positionals[0];
    let delimiter = stringOption(args, 'delimiter');
    if (delimiter === '\\t' || delimiter === 'tab') delimiter = '\t';
    const missing = stringOption(args, 'missing');
    const chunkMb = numberOption(args, 'chunk-mb');
    if (chunkMb !== undefined && !(chunkMb > 0)) throw new UsageError('--chunk-mb must be positive');
    const source = await openFileSource(file);
    try {
      const ds = await parseCsv(source, {
        ...(delimiter !== undefined ? { delimiter } : {}),
        ...(missing !== undefined ? { missingMarkers: missing.split(',') } : {}),
        ...(chunkMb !== undefined ? { chunkBytes: Math.round(chunkMb * 1048576) } : {}),
      });
      const hash = await fileSha256(file);
      const columns = ds.schema.map((s, j) => {
        const { name: _name, ...profile } = ds.profile[j];
        return { name: s.name, kind: s.kind, reason: s.reason, ...(s.unit ? { unit: s.unit } : {}), ...profile };
      });
      io.out(
        JSON.stringify(
          { rows: ds.table.rowCount, delimiter: ds.delimiter, bytes: ds.bytes, columns, warnings: ds.warnings, ragged: ds.ragged, hash },
          null,
          2,
        ),
      );
    } finally {
      await source.close();
    }
    return 0;
  },
};
