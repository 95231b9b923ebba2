/**
 * ROC AUC and log loss for the classifier reference tests and bench/cls-telco.ts, computed here
 * until src/core/metrics/classification.ts (h-cls-core, issue 11) is on this branch; same
 * signatures (y codes, rows × k probabilities, k), so switching is an import change.
 */

/** Binary ROC AUC of class 1's probability (ties count one half), as scikit-learn's roc_auc_score. */
export function rocAuc(y: ArrayLike<number>, proba: ArrayLike<number>, k: number): number {
  if (k !== 2) throw new Error('rocAuc here is binary only');
  const n = y.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => proba[a * 2 + 1] - proba[b * 2 + 1]);
  let rankSumPos = 0;
  let nPos = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && proba[order[j + 1] * 2 + 1] === proba[order[i] * 2 + 1]) j++;
    const rank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) if (y[order[t]] === 1) {
      rankSumPos += rank;
      nPos++;
    }
    i = j + 1;
  }
  const nNeg = n - nPos;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** Mean −log p(true class), probabilities clipped to [ε, 1 − ε] as scikit-learn's log_loss. */
export function logLoss(y: ArrayLike<number>, proba: ArrayLike<number>, k: number): number {
  const eps = 2.220446049250313e-16;
  let s = 0;
  for (let i = 0; i < y.length; i++) s -= Math.log(Math.min(1 - eps, Math.max(eps, proba[i * k + y[i]])));
  return s / y.length;
}
