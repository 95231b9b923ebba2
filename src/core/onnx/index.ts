/**
 * ONNX export: a loaded model bundle → one ONNX file for any ONNX runtime.
 *
 * Flow: `exportOnnx(loaded)` asks the catalog whether the model exports (`exportRefusal`; KNN is
 * refused with an ExportError) → `GraphBuilder` collects nodes and constants → `buildRecipeGraph`
 * turns the named input columns into the feature matrix (imputation, scaling, encoding, derived
 * features) → the model's writer (`MODEL_WRITERS`: MatMul, one TreeEnsembleRegressor summed in
 * double, or float32 Gemm/Relu layers) gives its raw prediction → the target's inverse transform
 * and NaN for rows Loupe cannot predict → output `prediction` → `encodeModel` writes the
 * ModelProto with the small protobuf writer (protobuf.ts). Nothing here touches a runtime: the
 * tests run the files in onnxruntime-node.
 */
export { exportOnnx, ONNX_OPSETS, ONNX_OUTPUT } from './export';
