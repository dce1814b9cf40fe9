// Mask utilities on the GPU: count_nonzero and the seeded shuffle.
//
// count_nonzero: a grid-stride reduction, 16 bytes per load when aligned (mask_count.cuh).
//
// shuffle_mask: Fisher–Yates is a chain of n dependent swaps. On the GPU that chain would run on one thread
// at global-memory latency (~0.5 µs per swap, seconds for a 25M mask), while the host loop runs at cache
// speed with its draws computed in parallel. So the mask is copied to the host, shuffled by
// lth::cpu::shuffle_mask (the exact loop that defines the permutation, hence bit-identical by
// construction), and copied back.
#include <vector>

#include "common.cuh"
#include "mask_count.cuh"

namespace lth::cuda {

int64_t count_nonzero(int64_t n, const uint8_t* mask) { return mask_count(n, mask, "count_nonzero"); }

void shuffle_mask(int64_t n, uint64_t seed, const uint8_t* in, uint8_t* out) {
  if (n <= 0) return;
  std::vector<uint8_t> host(static_cast<size_t>(n));
  copy_to_host(host.data(), in, static_cast<size_t>(n));      // waits
  lth::cpu::shuffle_mask(n, seed, host.data(), host.data());  // in place: the reference loop from out = in
  copy_to_device(out, host.data(), static_cast<size_t>(n));
  finish("shuffle_mask");
}

}  // namespace lth::cuda
