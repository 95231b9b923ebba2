/** A benchmark's command-line options, written `--name value`. */

/** The value after `--name`, or undefined when the option is not given. */
export function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** `--name` as a number, or `fallback` when the option is not given. */
export function numberOption(name: string, fallback: number): number {
  const v = option(name);
  return v === undefined ? fallback : Number(v);
}
