// Case table for global average pooling.
export interface GlobalPoolCase {
  N: number;
  C: number;
  H: number;
  W: number;
}

export const globalPoolCases: GlobalPoolCase[] = [
  { N: 1, C: 1, H: 1, W: 1 },
  { N: 3, C: 5, H: 7, W: 7 },
  { N: 2, C: 3, H: 1, W: 9 },
  { N: 128, C: 64, H: 8, W: 8 },
  { N: 0, C: 4, H: 3, W: 3 },
];
