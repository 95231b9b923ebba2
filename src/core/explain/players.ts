/**
 * Who the explanation credits: players of the Shapley game, built from the fitted recipe's
 * feature provenance, and how their values fold back to input columns.
 *
 * Features computed from the same input columns are one player: a number or an ordinal code is
 * its column, the indicators of a one-hot column are one player (the column), and a derived
 * feature of one column (log carat) joins that column. A derived feature of several columns
 * (x × y × z) is a player of its own, and its value is shared equally among those columns when
 * folding: the one step that is a convention rather than Shapley's arithmetic (said so in the
 * README). Sums are kept, so base + Σ values = prediction per input column too.
 */

export interface Players {
  /** Input columns, as explanations report them (the recipe's input order). */
  columns: string[];
  /** Number of players. */
  count: number;
  /** Player of each matrix feature. */
  playerOf: Int32Array;
  /** Matrix features of each player. */
  features: Int32Array[];
  /** Per player: the input columns (indices into `columns`) its value goes to, with their shares (summing to 1). */
  fold: Array<Array<{ column: number; share: number }>>;
}

/**
 * Players from per-feature provenance: `sources[j]` lists the input columns matrix feature j is
 * computed from (FittedRecipe.featureSources), `columns` every input column in report order.
 */
export function playersFromSources(sources: string[][], columns: string[]): Players {
  const colIndex = new Map(columns.map((c, i) => [c, i]));
  const key = new Map<string, number>();
  const playerOf = new Int32Array(sources.length);
  const members: number[][] = [];
  const fold: Players['fold'] = [];
  sources.forEach((src, j) => {
    const k = src.join('\u0000');
    let p = key.get(k);
    if (p === undefined) {
      p = members.length;
      key.set(k, p);
      members.push([]);
      fold.push(
        src.map((c) => {
          const column = colIndex.get(c);
          if (column === undefined) throw new Error(`Feature ${j} comes from "${c}", which is not an input column.`);
          return { column, share: 1 / src.length };
        }),
      );
    }
    playerOf[j] = p;
    members[p].push(j);
  });
  return { columns, count: members.length, playerOf, features: members.map((m) => Int32Array.from(m)), fold };
}

/** One player per matrix feature, reported under the features' names (a model without a recipe). */
export function featurePlayers(names: string[]): Players {
  return playersFromSources(
    names.map((n) => [n]),
    names,
  );
}

/** Folds rows × players values into rows × columns. */
export function foldToColumns(players: Players, values: Float64Array, rows: number): Float64Array {
  const m = players.count;
  const c = players.columns.length;
  const out = new Float64Array(rows * c);
  for (let r = 0; r < rows; r++)
    for (let p = 0; p < m; p++) {
      const v = values[r * m + p];
      for (const { column, share } of players.fold[p]) out[r * c + column] += v * share;
    }
  return out;
}
