/**
 * How large a model bundle file Loupe opens, checked on the file's size before any byte of it is
 * read (by the CLI's `predict`, the registry's import and the prediction worker's import).
 *
 * 512 MB, because a bundle is one JSON text parsed from one string, and V8 (Chrome, Node) cannot
 * make a string longer than 2^29 − 24 characters (about 536.9 million; bundles are ASCII, one byte
 * per character): a larger file would be read whole and then fail inside the engine with an error
 * that names no file. For scale, on the gemstone split (52,428 training rows) a 100-tree random
 * forest bundle is 45 MB with the default minSamplesLeaf 5 and 267 MB with minSamplesLeaf 1; every
 * other model is far smaller.
 */
import { BundleError } from '../errors';

export const MAX_BUNDLE_BYTES = 512_000_000;

/** Megabytes with one decimal, rounded up so a file just over the limit never reads as the limit ("612 MB", "512.1 MB"). */
const megabytes = (bytes: number): string => `${Math.ceil(bytes / 1e5) / 10} MB`;

/** Throws BundleError 'too-large' when a bundle file of `bytes` is over MAX_BUNDLE_BYTES. */
export function checkBundleSize(bytes: number, fileName: string): void {
  if (bytes > MAX_BUNDLE_BYTES) throw new BundleError('too-large', `${fileName} is ${megabytes(bytes)}; Loupe opens bundles up to ${megabytes(MAX_BUNDLE_BYTES)}.`);
}
