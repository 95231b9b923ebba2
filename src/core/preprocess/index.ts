/** Preprocessing with scikit-learn's semantics: per-column transformers and their composition. */
export { SimpleImputer, type SimpleImputerOptions, type SimpleImputerState, type ImputeStrategy } from './simple-imputer';
export { StandardScaler, MinMaxScaler, type StandardScalerOptions, type StandardScalerState, type MinMaxScalerOptions, type MinMaxScalerState } from './scalers';
export {
  OrdinalEncoder,
  OneHotEncoder,
  OTHER_LEVEL,
  mapLevels,
  type OrdinalEncoderOptions,
  type OneHotEncoderOptions,
  type OneHotEncoderState,
  type TransformContext,
} from './encoders';
export { ColumnTransformer, type ColumnSpec, type ColumnTransformerOptions, type ColumnTransformOptions, type ScaleKind } from './column-transformer';
export type { Labels, CellProblem, ProblemSink, ProblemReason, SerializedTransformer, TransformerType } from './types';
