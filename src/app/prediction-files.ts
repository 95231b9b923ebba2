/**
 * The page's side of where a file's predictions go (the worker writes them: workers/
 * prediction-output.ts). The page chooses the output, since only it can ask for a file to save
 * to (showSaveFilePicker needs the click of a person); it names each OPFS output and holds a Web
 * Lock on it while it may still be downloaded, so that outputs left behind by a closed tab or a
 * terminated worker — whose locks are gone — are removed the next time a file is predicted.
 */
import { OUTPUT_DIR, type PredictionOutput } from '../../workers/protocol';

/** Outputs of inputs up to this size are kept in memory (a Blob); larger ones go to OPFS when it is there. */
export const MEMORY_OUTPUT_MAX_INPUT = 16 * 1024 * 1024;

const LOCK_PREFIX = 'loupe-prediction-output:';

interface SaveFilePickerWindow {
  showSaveFilePicker?: (options: { suggestedName?: string; types?: { description: string; accept: Record<string, string[]> }[] }) => Promise<FileSystemFileHandle>;
}

/** The browser can save straight to a file the person picks (File System Access: Chromium on desktop). */
export function canPickSaveFile(): boolean {
  return typeof (globalThis as SaveFilePickerWindow).showSaveFilePicker === 'function';
}

/**
 * Asks where to save `suggestedName` (call it from a click handler). Null when the person
 * dismissed the dialog.
 */
export async function pickSaveFile(suggestedName: string): Promise<FileSystemFileHandle | null> {
  const pick = (globalThis as SaveFilePickerWindow).showSaveFilePicker;
  if (!pick) return null;
  try {
    return await pick({ suggestedName, types: [{ description: 'CSV file', accept: { 'text/csv': ['.csv'] } }] });
  } catch (e) {
    if ((e as { name?: string }).name === 'AbortError') return null;
    throw e;
  }
}

function opfsAvailable(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function' && typeof navigator.locks?.request === 'function';
}

/** An OPFS output the page holds: the lock keeps the file from being swept while it is in use. */
export interface HeldOutput {
  output: PredictionOutput & { kind: 'opfs' };
  /** Removes the file (once the worker has let go of it) and releases the lock. */
  release(): Promise<void>;
}

/**
 * The output for an input of `size` bytes when no file was picked: OPFS for large inputs where
 * the browser has it (held, see HeldOutput), else memory.
 */
export async function chooseOutput(size: number): Promise<{ output: PredictionOutput; held?: HeldOutput }> {
  if (size <= MEMORY_OUTPUT_MAX_INPUT || !opfsAvailable()) return { output: { kind: 'memory' } };
  await sweepOutputs();
  const name = `${crypto.randomUUID()}.csv`;
  const held = await holdLock(LOCK_PREFIX + name);
  const output = { kind: 'opfs', name } as const;
  return {
    output,
    held: {
      output,
      async release() {
        await removeOutput(name);
        held();
      },
    },
  };
}

/** Requests the lock `name` and resolves once it is held; calling the result releases it. */
function holdLock(name: string): Promise<() => void> {
  return new Promise((granted, failed) => {
    navigator.locks
      .request(name, () => new Promise<void>((release) => granted(release)))
      .catch(failed);
  });
}

async function outputDir(): Promise<FileSystemDirectoryHandle | null> {
  try {
    return await (await navigator.storage.getDirectory()).getDirectoryHandle(OUTPUT_DIR, { create: true });
  } catch {
    return null; // no OPFS here (a private window): nothing to remove either
  }
}

async function removeOutput(name: string): Promise<void> {
  const dir = await outputDir();
  // NotFoundError: the worker removed it already.
  await dir?.removeEntry(name).catch(() => {});
}

/** Removes OPFS outputs that nobody holds (a tab closed, or a worker terminated, before its output was released). */
export async function sweepOutputs(): Promise<void> {
  const dir = await outputDir();
  if (!dir) return;
  const held = new Set(((await navigator.locks.query()).held ?? []).map((l) => l.name));
  const names: string[] = [];
  for await (const name of (dir as FileSystemDirectoryHandle & { keys(): AsyncIterable<string> }).keys()) names.push(name);
  // A file still open in a worker refuses removal (NoModificationAllowedError): it is in use.
  for (const name of names) if (!held.has(LOCK_PREFIX + name)) await dir.removeEntry(name).catch(() => {});
}
