export { generateSampleGemstones, SAMPLE_COLUMNS, SAMPLE_FILE_NAME, SAMPLE_GRADES } from './gemstones';
export { CHURN_SAMPLE_COLUMNS, CHURN_SAMPLE_EFFECTS, CHURN_SAMPLE_FILE_NAME, CHURN_SAMPLE_LEVELS, churnProbability, drawChurnSample, generateSampleChurn, type ChurnSampleCustomer } from './churn';
