// Case table for the masked dense layer: batch and layer sizes, mask densities.
export interface DenseCase {
  B: number;
  In: number;
  Out: number;
  density: number | null; // null = no mask
  bias: boolean;
  relu: boolean;
}

export const denseCases: DenseCase[] = [
  { B: 1, In: 1, Out: 1, density: null, bias: false, relu: false },
  { B: 1, In: 1, Out: 1, density: 1, bias: true, relu: true },
  { B: 3, In: 7, Out: 5, density: 0.5, bias: true, relu: false },
  { B: 13, In: 29, Out: 17, density: 0, bias: true, relu: true },
  { B: 13, In: 29, Out: 17, density: 1, bias: false, relu: true },
  { B: 60, In: 784, Out: 300, density: 0.2, bias: true, relu: true },
  { B: 60, In: 300, Out: 100, density: 0.51, bias: true, relu: true },
  { B: 60, In: 100, Out: 10, density: 0.9, bias: true, relu: false },
  { B: 37, In: 129, Out: 65, density: 0.05, bias: true, relu: false },
  { B: 0, In: 8, Out: 4, density: 0.5, bias: true, relu: false },
  { B: 3, In: 0, Out: 5, density: 0.5, bias: true, relu: true },
  // tile and depth-block edges (see the gemm shapes): forward K = In, dx K = Out, dW K = B
  { B: 13, In: 401, Out: 33, density: 0.3, bias: true, relu: true },
  { B: 25, In: 16, Out: 17, density: 0.7, bias: true, relu: false },
  { B: 12, In: 800, Out: 32, density: 1, bias: false, relu: true },
  { B: 401, In: 37, Out: 13, density: 0.4, bias: true, relu: true },
];
