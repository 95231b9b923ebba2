import { describe, expect, it } from 'vitest';
import { checkBundleSize, MAX_BUNDLE_BYTES } from '../../../src/core/bundle/limits';
import { BundleError } from '../../../src/core/errors';

describe('bundle size limit', () => {
  it('opens files up to 512 MB and refuses larger ones, saying how large each is', () => {
    expect(MAX_BUNDLE_BYTES).toBe(512_000_000);
    expect(() => checkBundleSize(0, 'empty.json')).not.toThrow();
    expect(() => checkBundleSize(MAX_BUNDLE_BYTES, 'model.json')).not.toThrow();
    expect(() => checkBundleSize(612_000_000, 'model.json')).toThrow(new BundleError('too-large', 'model.json is 612 MB; Loupe opens bundles up to 512 MB.'));
    // Just over the limit never reads as the limit itself.
    expect(() => checkBundleSize(MAX_BUNDLE_BYTES + 1, 'model.json')).toThrow('model.json is 512.1 MB; Loupe opens bundles up to 512 MB.');
    expect(() => checkBundleSize(2.5e9, 'huge.json')).toThrow(expect.objectContaining({ name: 'BundleError', code: 'too-large' }));
  });
});
