import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, listRows, plural } from '../../src/core/format';

describe('message formatting shared by core, storage and the UI', () => {
  it('formatCount writes integers as toLocaleString("en-US") does', () => {
    for (const x of [0, 7, -7, 999, 1000, -1000, 65535, 1_000_000, 123_456_789, -(2 ** 53 - 1), 2 ** 53, 1.5, -0, NaN]) {
      expect(formatCount(x)).toBe(x.toLocaleString('en-US'));
    }
  });

  it('plural picks the word by the count, with irregular plurals', () => {
    expect(plural(1, 'row')).toBe('1 row');
    expect(plural(0, 'row')).toBe('0 rows');
    expect(plural(12345, 'row has', 'rows have')).toBe('12,345 rows have');
    expect(plural(1, 'row has', 'rows have')).toBe('1 row has');
  });

  it('listRows lists the first rows and counts the rest', () => {
    expect(listRows([3, 5], 2)).toBe('3, 5');
    expect(listRows([1, 2, 3, 4], 1504, 3)).toBe('1, 2, 3 and 1,501 more');
  });

  it('formatBytes uses decimal units and says "unknown" for no figure', () => {
    expect([820, 14_200, 3_100_000, 2_500_000_000].map(formatBytes)).toEqual(['820 B', '14.2 kB', '3.1 MB', '2.50 GB']);
    expect(formatBytes(null)).toBe('unknown');
    expect(formatBytes(undefined)).toBe('unknown');
  });
});
