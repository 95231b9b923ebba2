/**
 * Comlink sends a thrown Error across threads as {name, message, stack} only. Loupe's typed
 * errors also carry `code` and `where` (row, column, field), which the UI shows; this handler
 * keeps them and rebuilds the right class on the receiving side. Install it on both sides.
 */
import { transferHandlers, type TransferHandler } from 'comlink';
import {
  BundleError,
  CancelledError,
  CsvError,
  ExportError,
  ExplainError,
  InvalidInputError,
  InvalidParamsError,
  LoupeError,
  PipelineError,
  RecipeError,
  RowError,
  type ErrorLocation,
} from '../src/core/errors';

interface SerializedLoupeError {
  loupe: true;
  /** Stable class tag. Not `e.name`: a production build minifies class names. */
  kind: string;
  name: string;
  code: string;
  message: string;
  where: ErrorLocation;
  stack?: string;
}

type LoupeErrorClass = new (code: string, message: string, where?: ErrorLocation) => LoupeError;

/** Most specific first; LoupeError last catches any other subclass. */
const CLASSES: ReadonlyArray<readonly [string, LoupeErrorClass]> = [
  ['CsvError', CsvError],
  ['InvalidInputError', InvalidInputError],
  ['InvalidParamsError', InvalidParamsError],
  ['RecipeError', RecipeError],
  ['BundleError', BundleError],
  ['ExportError', ExportError],
  ['RowError', RowError],
  ['PipelineError', PipelineError],
  ['ExplainError', ExplainError],
  ['LoupeError', LoupeError],
];

function kindOf(e: LoupeError): string {
  if (e instanceof CancelledError) return 'CancelledError';
  return CLASSES.find(([, C]) => e instanceof C)?.[0] ?? 'LoupeError';
}

function revive(s: SerializedLoupeError): LoupeError {
  if (s.kind === 'CancelledError') return new CancelledError(s.message);
  const Cls = CLASSES.find(([k]) => k === s.kind)?.[1] ?? LoupeError;
  const e = new Cls(s.code, s.message, s.where);
  if (s.stack) e.stack = s.stack;
  return e;
}

let installed = false;

export function installErrorTransfer(): void {
  if (installed) return;
  installed = true;
  const base = transferHandlers.get('throw') as TransferHandler<{ value: unknown }, unknown>;
  const handler: TransferHandler<{ value: unknown }, unknown> = {
    canHandle: (v): v is { value: unknown } => base.canHandle(v),
    serialize(thrown) {
      const e = thrown.value;
      if (e instanceof LoupeError) {
        const s: SerializedLoupeError = { loupe: true, kind: kindOf(e), name: e.name, code: e.code, message: e.message, where: e.where, stack: e.stack };
        return [s, []];
      }
      return base.serialize(thrown);
    },
    deserialize(s) {
      if (typeof s === 'object' && s !== null && (s as { loupe?: unknown }).loupe === true) throw revive(s as SerializedLoupeError);
      return base.deserialize(s);
    },
  };
  transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);
}
