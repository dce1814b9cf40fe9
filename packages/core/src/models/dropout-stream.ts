// Where dropout's randomness comes from: the mask of dropout layer `layer` at training iteration `it` of a trial
// is a pure function of (the trial's dropout seed, layer, it). Like the data order, it therefore restarts with every
// level (iteration i of every level draws the same masks), differs between trials, and a level resumed from a
// checkpoint at iteration i draws exactly the masks an uninterrupted run draws from i on.

const M64 = (1n << 64n) - 1n;

/** splitmix64's finaliser (the addon's rng::mix64), on BigInts. */
function mix64(v: bigint): bigint {
  let z = v & M64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
  return z ^ (z >> 31n);
}

/** Keeps the dropout stream apart from any other stream seeded by the same trial seed. */
const DROPOUT_DOMAIN = 0x64726f706f7574n; // 'dropout'

/** The addon seed of dropout layer `layer`'s mask at iteration `iteration` of stream `seed` (a 64-bit value). */
export function dropoutMaskSeed(seed: number, layer: number, iteration: number): bigint {
  const s = mix64(BigInt(seed) ^ DROPOUT_DOMAIN);
  return mix64(mix64(s + BigInt(layer)) + BigInt(iteration));
}
