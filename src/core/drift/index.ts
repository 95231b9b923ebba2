/**
 * Data drift: the column tests of Evidently's DataDriftPreset, computed as scipy computes them.
 */
export {
  ksTwoSample,
  wassersteinDistance,
  normedWasserstein,
  chiSquareTest,
  chiSquareDrift,
  zTestDrift,
  jensenShannonDistance,
  jensenShannonDrift,
  sharesWithoutZeros,
  meanAndStd,
} from './statistics';
export type { KsResult, TestResult } from './statistics';
export { kolmogorovSf, smirnovSf, ksTwoSampleExactSf } from './kolmogorov';
export { chiSquareSf, gammaP, gammaQ, logGamma, normalCdf, erf, erfc } from './special';
