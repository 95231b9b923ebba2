export { generateSampleGemstones, SAMPLE_COLUMNS, SAMPLE_FILE_NAME, SAMPLE_GRADES } from './gemstones';
