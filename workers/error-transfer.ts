/**
 * Comlink sends a thrown Error across threads as {name, message, stack} only. Loupe's typed
 * errors also carry `code` and `where` (row, column, field), which the UI shows; this handler
 * keeps them and rebuilds the right class on the receiving side. Install it on both sides.
 */
import { transferHandlers, type TransferHandler } from 'comlink';
import { LoupeError } from '../src/core/errors';
import { reviveLoupeError, serializeLoupeError, type SerializedLoupeError } from '../src/core/error-wire';

let installed = false;

export function installErrorTransfer(): void {
  if (installed) return;
  installed = true;
  const base = transferHandlers.get('throw') as TransferHandler<{ value: unknown }, unknown>;
  const handler: TransferHandler<{ value: unknown }, unknown> = {
    canHandle: (v): v is { value: unknown } => base.canHandle(v),
    serialize(thrown) {
      const e = thrown.value;
      if (e instanceof LoupeError) return [serializeLoupeError(e), []];
      return base.serialize(thrown);
    },
    deserialize(s) {
      if (typeof s === 'object' && s !== null && (s as { loupe?: unknown }).loupe === true) throw reviveLoupeError(s as SerializedLoupeError);
      return base.deserialize(s);
    },
  };
  transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);
}
