/**
 * A deterministic synthetic customer-churn table for trying classification without a file:
 * customerId, SeniorCitizen, tenure, Contract, InternetService, PaymentMethod, MonthlyCharges,
 * TotalCharges and the target Churn (Yes/No). It is NOT real data (its columns echo the telco
 * sample people know) and is labelled as synthetic wherever it is shown.
 *
 * The target has a known logistic structure: P(Churn = Yes) = σ(logit), with the logit a sum of
 * the effects in CHURN_SAMPLE_EFFECTS (linear in tenure and MonthlyCharges, one effect per level
 * of each category). A logistic regression on the one-hot columns can recover them, and no model
 * can beat the ROC AUC of the true probabilities (about 0.84 here), which makes the sample a fair test.
 * About a quarter of customers churn, as in the telco data.
 */
import { Rng } from '../random';
import { clamp, pick } from './draw';

export const CHURN_SAMPLE_COLUMNS = ['customerId', 'SeniorCitizen', 'tenure', 'Contract', 'InternetService', 'PaymentMethod', 'MonthlyCharges', 'TotalCharges', 'Churn'] as const;

/** Suggested file name; says that the data is synthetic. */
export const CHURN_SAMPLE_FILE_NAME = 'churn-sample-synthetic.csv';

/** Levels of the categories and how often each is drawn. */
export const CHURN_SAMPLE_LEVELS = {
  Contract: { levels: ['Month-to-month', 'One year', 'Two year'], weights: [0.55, 0.21, 0.24] },
  InternetService: { levels: ['DSL', 'Fiber optic', 'No'], weights: [0.34, 0.44, 0.22] },
  PaymentMethod: { levels: ['Bank transfer', 'Credit card', 'Electronic check', 'Mailed check'], weights: [0.22, 0.22, 0.34, 0.22] },
} as const;

/**
 * The true logit of churning: intercept + tenure·months + monthlyCharges·(charges − 65) +
 * senior·SeniorCitizen + the effect of each category's level (a level's effect is relative: only
 * differences between levels of one column are identifiable).
 */
export const CHURN_SAMPLE_EFFECTS = {
  intercept: -0.85,
  /** Per month of tenure: long-standing customers stay. */
  tenure: -0.035,
  /** Per unit of MonthlyCharges above 65: expensive plans churn more. */
  monthlyCharges: 0.012,
  senior: 0.35,
  Contract: [0.9, -0.5, -1.6],
  InternetService: [0, 0.6, -0.7],
  PaymentMethod: [0, -0.1, 0.55, 0.05],
} as const;

/** One customer's inputs, as codes into CHURN_SAMPLE_LEVELS. */
export interface ChurnSampleCustomer {
  senior: 0 | 1;
  tenure: number;
  contract: number;
  internet: number;
  payment: number;
  monthlyCharges: number;
}

/** The true probability of churning for a customer (σ of the logit above). */
export function churnProbability(c: ChurnSampleCustomer): number {
  const e = CHURN_SAMPLE_EFFECTS;
  const logit =
    e.intercept +
    e.tenure * c.tenure +
    e.monthlyCharges * (c.monthlyCharges - 65) +
    e.senior * c.senior +
    e.Contract[c.contract] +
    e.InternetService[c.internet] +
    e.PaymentMethod[c.payment];
  return 1 / (1 + Math.exp(-logit));
}

/** Base monthly charge by internet service (DSL, fibre, none), before add-ons. */
const BASE_CHARGE = [55, 85, 22];

/** The customers and their churn, as drawn for (rows, seed): what the CSV holds, with the true probabilities. */
export function drawChurnSample(rows = 5000, seed = 1): { customers: ChurnSampleCustomer[]; churn: boolean[]; probability: number[] } {
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`rows must be a positive integer, got ${rows}`);
  const rng = new Rng(seed);
  const { Contract, InternetService, PaymentMethod } = CHURN_SAMPLE_LEVELS;
  const customers: ChurnSampleCustomer[] = [];
  const churn: boolean[] = [];
  const probability: number[] = [];
  for (let i = 0; i < rows; i++) {
    const contract = pick(rng, Contract.weights);
    // Longer contracts go with longer tenure, as in real books of customers.
    // A few are new (tenure 0, no TotalCharges yet), as in the telco file.
    const tenure = rng.next() < 0.003 ? 0 : Math.round(clamp(rng.next() * 40 + contract * 16 + rng.normal() * 6, 1, 72));
    const internet = pick(rng, InternetService.weights);
    const payment = pick(rng, PaymentMethod.weights);
    const senior: 0 | 1 = rng.next() < 0.16 ? 1 : 0;
    const monthlyCharges = Math.round(clamp(BASE_CHARGE[internet] + 12 * rng.normal(), 18, 120) * 100) / 100;
    const c = { senior, tenure, contract, internet, payment, monthlyCharges };
    const p = churnProbability(c);
    customers.push(c);
    probability.push(p);
    churn.push(rng.next() < p);
  }
  return { customers, churn, probability };
}

/** CSV text (header + `rows` lines, '\n' line ends); the same (rows, seed) always gives the same text. */
export function generateSampleChurn(rows = 5000, seed = 1): string {
  const { customers, churn } = drawChurnSample(rows, seed);
  const { Contract, InternetService, PaymentMethod } = CHURN_SAMPLE_LEVELS;
  const lines: string[] = [CHURN_SAMPLE_COLUMNS.join(',')];
  customers.forEach((c, i) => {
    // A new customer (tenure 0) has no total yet: a blank cell, as in the telco file.
    const total = c.tenure === 0 ? '' : (c.tenure * c.monthlyCharges).toFixed(2);
    lines.push(
      [
        `C${String(i + 1).padStart(5, '0')}`,
        c.senior,
        c.tenure,
        Contract.levels[c.contract],
        InternetService.levels[c.internet],
        PaymentMethod.levels[c.payment],
        c.monthlyCharges.toFixed(2),
        total,
        churn[i] ? 'Yes' : 'No',
      ].join(','),
    );
  });
  return lines.join('\n') + '\n';
}
