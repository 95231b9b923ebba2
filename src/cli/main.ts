/**
 * Loupe CLI: `npm run cli -- <command> [args]`. Each command lives in its own file; add one by
 * importing it and listing it in COMMANDS.
 *
 * Exit codes: 0 success, 1 bad input or failure (message on stderr), 2 usage error, 3 dataset
 * drift found by `monitor --fail-on-drift`.
 */
import { LoupeError } from '../core/errors';
import { UsageError } from './args';
import type { Command, CommandIo } from './command';
import { exportOnnxCommand } from './export-onnx';
import { monitorCommand } from './monitor';
import { predictCommand } from './predict';
import { profileCommand } from './profile';
import { retrainCommand } from './retrain';
import { searchCommand } from './search';
import { reportCommand } from './report';
import { terminalText } from './terminal-text';
import { trainCommand } from './train';

const COMMANDS: Command[] = [
  profileCommand,
  trainCommand,
  searchCommand,
  predictCommand,
  exportOnnxCommand,
  retrainCommand,
  monitorCommand,
  reportCommand,
];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: loupe <command> [args]   (npm run cli -- <command> ...)',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'loupe <command> --help' for a command's options.",
  ].join('\n');
}

/** Formats an error as one line: code, message, and the row/column/field it concerns. */
export function describeError(e: unknown): string {
  if (e instanceof LoupeError) {
    const w = e.where;
    const at = [
      w.row !== undefined ? `row ${w.row}` : '',
      w.rows && w.rows.length ? `rows ${w.rows.join(', ')}` : '',
      w.column !== undefined ? `column "${w.column}"` : '',
      w.field !== undefined ? `field ${w.field}` : '',
    ].filter(Boolean);
    return `error [${e.code}]${at.length ? ` (${at.join('; ')})` : ''}: ${e.message}`;
  }
  if (e instanceof Error && 'code' in e && typeof (e as NodeJS.ErrnoException).code === 'string') {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') return `error: no such file: ${err.path ?? ''}`;
    if (err.code === 'EISDIR') return `error: is a directory, not a file: ${err.path ?? ''}`;
    if (err.code === 'EACCES') return `error: permission denied: ${err.path ?? ''}`;
    return `error [${err.code}]: ${err.message}`;
  }
  return `error: ${e instanceof Error ? e.message : String(e)}`;
}

export async function main(argv: string[], raw: CommandIo): Promise<number> {
  // Everything the CLI prints may carry names and values from the data: no control characters.
  const io: CommandIo = { out: (t) => raw.out(terminalText(t)), err: (t) => raw.err(terminalText(t)) };
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`error: unknown command "${name}"\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`error: ${e.message}\n${command.usage}`);
      return 2;
    }
    io.err(describeError(e));
    return 1;
  }
}

const isEntry = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntry) {
  const io: CommandIo = {
    out: (t) => process.stdout.write(t + '\n'),
    err: (t) => process.stderr.write(t + '\n'),
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(terminalText(describeError(e)) + '\n');
      process.exitCode = 1;
    },
  );
}
