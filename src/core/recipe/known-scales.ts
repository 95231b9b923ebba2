/**
 * Well-known ordered scales. When a categorical column's levels all belong to one of these (at
 * least two of them, compared without case and extra spaces), the default recipe encodes it as
 * ordinal in this order, lowest first.
 */
export const KNOWN_SCALES: ReadonlyArray<{ name: string; order: readonly string[] }> = [
  { name: 'gemstone cut', order: ['Fair', 'Good', 'Very Good', 'Premium', 'Ideal'] },
  { name: 'gemstone color', order: ['J', 'I', 'H', 'G', 'F', 'E', 'D'] },
  { name: 'gemstone clarity', order: ['I1', 'SI2', 'SI1', 'VS2', 'VS1', 'VVS2', 'VVS1', 'IF'] },
  { name: 'low-high', order: ['low', 'medium', 'high'] },
  { name: 'very low-very high', order: ['very low', 'low', 'medium', 'high', 'very high'] },
  { name: 'low-high (moderate)', order: ['low', 'moderate', 'high'] },
  { name: 'quality', order: ['poor', 'fair', 'good', 'very good', 'excellent'] },
  { name: 'quality (short)', order: ['Po', 'Fa', 'TA', 'Gd', 'Ex'] },
  { name: 'size', order: ['small', 'medium', 'large'] },
  { name: 'clothing size', order: ['XS', 'S', 'M', 'L', 'XL', 'XXL'] },
  { name: 'agreement', order: ['strongly disagree', 'disagree', 'neutral', 'agree', 'strongly agree'] },
  { name: 'frequency', order: ['never', 'rarely', 'sometimes', 'often', 'always'] },
  { name: 'owner', order: ['First Owner', 'Second Owner', 'Third Owner', 'Fourth & Above Owner'] },
  { name: 'yes/no', order: ['no', 'yes'] },
  { name: 'true/false', order: ['false', 'true'] },
  { name: 'y/n', order: ['n', 'y'] },
  { name: 't/f', order: ['f', 't'] },
  { name: 'off/on', order: ['off', 'on'] },
];

const norm = (s: string): string => s.trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * The known order that covers `levels`, spelled as in the data where a level occurs (the
 * scale's own spelling elsewhere), or undefined. Among several, the one the levels fill best.
 */
export function matchKnownScale(levels: readonly string[]): { name: string; order: string[] } | undefined {
  const observed = new Map<string, string>();
  for (const l of levels) if (norm(l) !== '') observed.set(norm(l), l);
  if (observed.size < 2) return undefined;
  let best: { name: string; order: string[]; fill: number } | undefined;
  for (const scale of KNOWN_SCALES) {
    const keys = scale.order.map(norm);
    if (![...observed.keys()].every((k) => keys.includes(k))) continue;
    const fill = observed.size / keys.length;
    if (!best || fill > best.fill) best = { name: scale.name, order: scale.order.map((l, i) => observed.get(keys[i]) ?? l), fill };
  }
  return best && { name: best.name, order: best.order };
}
