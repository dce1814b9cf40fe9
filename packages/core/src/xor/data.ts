// The XOR data set of the 2018 draft's appendix A (Frankle & Carbin, arXiv 1803.03635 v1): the four
// points of {0,1}², labelled x₁ XOR x₂. Training is full batch (B = 4), so there is no data order.
export const XOR_INPUTS: ReadonlyArray<readonly [number, number]> = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];

export const XOR_LABELS: readonly number[] = XOR_INPUTS.map(([a, b]) => a ^ b);

/** Inputs as a row-major [4, 2] Float32Array and labels as a [4] Float32Array in {0, 1}. */
export function xorData(): { x: Float32Array; y: Float32Array } {
  return { x: Float32Array.from(XOR_INPUTS.flat()), y: Float32Array.from(XOR_LABELS) };
}
