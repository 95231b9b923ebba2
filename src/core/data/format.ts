/**
 * Thousands-separated integers for messages, as `n.toLocaleString('en-US')` writes them
 * ("1,234,567"), without its cost: the first toLocaleString call in a process loads locale data
 * (tens of milliseconds), more than profiling a small file takes.
 */
export function formatCount(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString('en-US');
  const digits = String(n < 0 ? -n : n);
  let i = digits.length % 3 || 3;
  let out = digits.slice(0, i);
  for (; i < digits.length; i += 3) out += ',' + digits.slice(i, i + 3);
  return n < 0 ? '-' + out : out;
}
