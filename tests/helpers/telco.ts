/**
 * ../shared/data/telco-churn.csv and its reference split (../shared/reference/telco-test-ids.txt:
 * the customerIDs of scikit-learn's stratified 80/20 test part, seed 42), read with papaparse only
 * so that tests of the split and of the models do not depend on Loupe's CSV code.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Papa from 'papaparse';
import { ROOT } from './gemstone';

export const TELCO_CSV = resolve(ROOT, '../shared/data/telco-churn.csv');
export const TELCO_TEST_IDS = resolve(ROOT, '../shared/reference/telco-test-ids.txt');
export const SKLEARN_LOGISTIC_TELCO = resolve(ROOT, '../shared/reference/sklearn-logistic-telco.json');

export const haveTelco = existsSync(TELCO_CSV) && existsSync(TELCO_TEST_IDS) && existsSync(SKLEARN_LOGISTIC_TELCO);
export const TELCO_SKIP_MESSAGE = `skipped: ${TELCO_CSV} or its reference split is absent`;

/** The file's rows as strings, in file order. */
export function loadTelcoRecords(): Array<Record<string, string>> {
  return Papa.parse<Record<string, string>>(readFileSync(TELCO_CSV, 'utf8').trim(), { header: true }).data;
}

/** The customerIDs of the reference test rows. */
export function loadTelcoTestIds(): Set<string> {
  return new Set(readFileSync(TELCO_TEST_IDS, 'utf8').split(/\s+/).filter(Boolean));
}
