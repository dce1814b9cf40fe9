// Deterministic pruning cases on top of the fast-check properties: LeNet-sized global and per-tensor cases,
// heavy ties across thread chunks, and a large global case (3 tensors, 2M weights).
export interface PruneCase {
  name: string;
  sizes: number[];
  /** 'gauss' weights, or a number of distinct magnitudes (massive ties) with random signs. */
  values: 'gauss' | number;
  /** Prior mask density (null = no masks). */
  density: number | null;
  fraction: number;
}

export const pruneCases: PruneCase[] = [
  { name: 'lenet global', sizes: [235200, 30000, 1000], values: 'gauss', density: 0.8, fraction: 0.2 },
  { name: 'lenet fc1 per tensor', sizes: [235200], values: 'gauss', density: null, fraction: 0.2 },
  { name: 'ties across chunks', sizes: [70001, 3, 50000], values: 5, density: 0.7, fraction: 0.37 },
  { name: 'all equal', sizes: [40000, 40000], values: 1, density: null, fraction: 0.5 },
  { name: 'large global 2M', sizes: [1200000, 600000, 200000], values: 'gauss', density: 0.5, fraction: 0.2 },
];
