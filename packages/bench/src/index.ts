// Benchmarks of sparse vs dense kernels live in native-sparse/bench today (kernels.ts); this package
// will hold the end-to-end and ONNX benchmarks.
export {};
