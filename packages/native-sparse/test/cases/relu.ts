// Case table for relu (and the residual add, another elementwise op): element counts including 0, 1 and
// sizes that split across threads.
export const elementwiseSizes: number[] = [0, 1, 7, 1000, 65_537, 300_001];
