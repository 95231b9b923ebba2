/** The shape of a CLI command. Register new ones in main.ts (one line in COMMANDS). */
export interface CommandIo {
  /** Writes a line to stdout. */
  out(text: string): void;
  /** Writes a line to stderr. */
  err(text: string): void;
}

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Full usage text, printed for `--help`. */
  usage: string;
  /** Returns the exit code. Throws UsageError for bad arguments, LoupeError for bad input. */
  run(argv: string[], io: CommandIo): Promise<number>;
}
