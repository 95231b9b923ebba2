/** Detecting the delimiter among , ; \t | from the first lines of a file. */
import Papa from 'papaparse';

const CANDIDATE_DELIMITERS = [',', ';', '\t', '|'] as const;

export interface DelimiterGuess {
  delimiter: string;
  /** A delimiter gave a consistent field count of at least 2. */
  confident: boolean;
}

/** Picks among , ; \t | the delimiter that splits the first lines into the most consistent (≥ 2) fields. */
export function detectDelimiter(text: string): DelimiterGuess {
  let sample = text.slice(0, 65536);
  const cut = sample.lastIndexOf('\n');
  if (cut > 0 && text.length > sample.length) sample = sample.slice(0, cut);
  sample = sample.replace(/\r\n?/g, '\n');
  let best: { d: string; score: number; fields: number } | null = null;
  for (const d of CANDIDATE_DELIMITERS) {
    const rows = Papa.parse<string[]>(sample, { delimiter: d, newline: '\n', preview: 30 }).data.filter(
      (r) => !(r.length === 1 && r[0] === ''),
    );
    if (rows.length === 0) continue;
    const h = rows[0].length;
    if (h < 2) continue;
    let same = 0;
    for (const r of rows) if (r.length === h) same++;
    const consistency = same / rows.length;
    if (consistency < 0.5) continue;
    const score = consistency * 1000 + Math.min(h, 999);
    if (!best || score > best.score) best = { d, score, fields: h };
  }
  return best ? { delimiter: best.d, confident: true } : { delimiter: ',', confident: false };
}
