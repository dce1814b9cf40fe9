// Case table for dropout: drop probabilities (0 keeps everything).
export const dropoutPs: number[] = [0, 0.1, 0.5, 0.9];
