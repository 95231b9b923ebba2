/** Minimal argument parsing for the CLI: positionals, `--flag`, `--key value` and `--key=value`. */

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface ParsedArgs {
  positionals: string[];
  /** `--key value` / `--key=value` options; bare flags map to `true`. */
  options: Map<string, string | true>;
}

/**
 * `valueOptions` lists options that take a value; any other `--name` is a bare flag.
 * Unknown options are reported by the command that reads them (see `rejectUnknown`).
 */
export function parseArgs(argv: readonly string[], valueOptions: readonly string[] = []): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const key = eq === -1 ? a.slice(2) : a.slice(2, eq);
      if (eq !== -1) options.set(key, a.slice(eq + 1));
      else if (valueOptions.includes(key)) {
        const v = argv[i + 1];
        if (v === undefined) throw new UsageError(`--${key} needs a value`);
        options.set(key, v);
        i++;
      } else options.set(key, true);
    } else if (a === '-h') options.set('help', true);
    else positionals.push(a);
  }
  return { positionals, options };
}

export function rejectUnknown(args: ParsedArgs, known: readonly string[]): void {
  for (const key of args.options.keys()) if (!known.includes(key)) throw new UsageError(`unknown option --${key}`);
}

export function stringOption(args: ParsedArgs, key: string): string | undefined {
  const v = args.options.get(key);
  if (v === true) throw new UsageError(`--${key} needs a value`);
  return v;
}

export function numberOption(args: ParsedArgs, key: string): number | undefined {
  const v = stringOption(args, key);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${key} must be a number, got "${v}"`);
  return n;
}
