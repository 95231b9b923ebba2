/** Exploratory data analysis: small, bounded aggregates of a Table for the Explore screen's charts. */
export { columnDistribution, targetDistribution, DISTRIBUTION_DEFAULTS } from './distribution';
export type {
  ColumnDistribution,
  NumericDistribution,
  CategoricalDistribution,
  DistributionOptions,
  LevelShare,
  OutlierCounts,
  TargetDistribution,
  TargetDistributionOptions,
} from './distribution';
export { HISTOGRAM_DEFAULTS } from './histogram';
export type { Histogram, HistogramOptions } from './histogram';
export type { NumericStats } from './stats';
export { correlationMatrix } from './correlation';
export type { CorrelationMatrix, CorrelationMethod } from './correlation';
export { targetVsFeature, TARGET_VS_FEATURE_DEFAULTS } from './target-vs-feature';
export type {
  TargetVsFeature,
  TargetVsFeatureOptions,
  NumericFeatureView,
  CategoricalFeatureView,
  DensityGrid,
  BinnedMean,
  BoxStats,
} from './target-vs-feature';
export { dataQualityFindings, DATA_QUALITY_DEFAULTS } from './quality';
export type { Finding, FindingKind, Severity, DataQualityOptions } from './quality';
export { findDuplicateRows } from '../data/duplicates';
export type { DuplicateRows } from '../data/duplicates';
export { classBalance, featureVsClass, readClassTarget, CLASS_BALANCE_DEFAULTS, FEATURE_VS_CLASS_DEFAULTS } from './class-target';
export type { ClassBalance, ClassBalanceOptions, ClassShare, ClassTarget, FeatureVsClass, FeatureVsClassOptions, NumericByClass, CategoricalByClass } from './class-target';
export { classAssociations, classTargetFindings, withClassFindings, CLASS_FINDINGS_DEFAULTS } from './class-findings';
export type { ClassAssociation, ClassFindingsOptions } from './class-findings';
