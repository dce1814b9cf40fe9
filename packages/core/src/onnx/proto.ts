// The ONNX protobuf schema (onnx-proto: protobufjs code generated from onnx.proto). It is CommonJS whose
// exports Node cannot name statically, so it is loaded with require.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const { onnx } = require('onnx-proto') as typeof import('onnx-proto');
export type Onnx = typeof onnx;
