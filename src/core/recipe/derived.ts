/** Derived features: arithmetic over numeric columns, declared as data. */
import type { DerivedFeature } from './types';

/**
 * Computes one derived feature over `inputs` (equally long, NaN missing). A missing input, a zero
 * denominator, a log of a non-positive number or any non-finite result gives NaN.
 */
export function computeDerived(f: DerivedFeature, inputs: Float64Array[]): Float64Array {
  const n = inputs[0].length;
  const out = new Float64Array(n);
  const [a, b] = inputs;
  for (let i = 0; i < n; i++) {
    let r: number;
    switch (f.op) {
      case 'product':
        r = 1;
        for (const c of inputs) r *= c[i];
        break;
      case 'sum':
        r = 0;
        for (const c of inputs) r += c[i];
        break;
      case 'ratio':
        r = b[i] === 0 ? NaN : a[i] / b[i];
        break;
      case 'difference':
        r = a[i] - b[i];
        break;
      case 'log':
        r = a[i] > 0 ? Math.log(a[i]) : NaN;
        break;
      case 'log1p':
        r = a[i] > -1 ? Math.log1p(a[i]) : NaN;
        break;
      case 'power':
        r = Math.pow(a[i], f.exponent!);
        break;
    }
    out[i] = Number.isFinite(r) ? r : NaN;
  }
  return out;
}

/** A person's description of a derived feature, e.g. "x × y × z". */
export function describeDerived(f: DerivedFeature): string {
  const c = f.columns;
  switch (f.op) {
    case 'product':
      return c.join(' × ');
    case 'sum':
      return c.join(' + ');
    case 'ratio':
      return `${c[0]} / ${c[1]}`;
    case 'difference':
      return `${c[0]} − ${c[1]}`;
    case 'log':
      return `log(${c[0]})`;
    case 'log1p':
      return `log(1 + ${c[0]})`;
    case 'power':
      return `${c[0]}^${f.exponent}`;
  }
}
