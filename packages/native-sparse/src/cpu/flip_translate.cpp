// Flip + translate augmentation on the CPU (the definition: out[k,c,y,x] = src[k,c,y+dy,x'] with
// x' = flip ? W-1-(x+dx) : x+dx, 0 outside the image). The fast version copies whole in-range row spans.
#include <cstring>

#include "../kernels.h"
#include "../parallel.h"

namespace lth::cpu {

namespace ref {
void flip_translate(int64_t n, int64_t C, int64_t H, int64_t W, const int32_t* params, const float* src, float* out) {
  for (int64_t k = 0; k < n; ++k) {
    const bool flip = params[3 * k] != 0;
    const int64_t dy = params[3 * k + 1], dx = params[3 * k + 2];
    for (int64_t c = 0; c < C; ++c) {
      const float* s = src + (k * C + c) * H * W;
      float* o = out + (k * C + c) * H * W;
      for (int64_t y = 0; y < H; ++y)
        for (int64_t x = 0; x < W; ++x) {
          const int64_t sy = y + dy, sx = x + dx;
          o[y * W + x] = sy >= 0 && sy < H && sx >= 0 && sx < W ? s[sy * W + (flip ? W - 1 - sx : sx)] : 0.0f;
        }
    }
  }
}
}  // namespace ref

void flip_translate(int64_t n, int64_t C, int64_t H, int64_t W, const int32_t* params, const float* src, float* out) {
  parallel_for(n * C, 16, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) {
      const int64_t k = p / C;
      const bool flip = params[3 * k] != 0;
      const int64_t dy = params[3 * k + 1], dx = params[3 * k + 2];
      const float* s = src + p * H * W;
      float* o = out + p * H * W;
      // Output columns whose source column x+dx is inside: [x0, x1).
      const int64_t x0 = dx < 0 ? -dx : 0, x1 = dx > 0 ? W - dx : W;
      for (int64_t y = 0; y < H; ++y) {
        float* row = o + y * W;
        const int64_t sy = y + dy;
        if (sy < 0 || sy >= H || x0 >= x1) {
          std::memset(row, 0, static_cast<size_t>(W) * sizeof(float));
          continue;
        }
        const float* srow = s + sy * W;
        for (int64_t x = 0; x < x0; ++x) row[x] = 0.0f;
        if (flip) {
          for (int64_t x = x0; x < x1; ++x) row[x] = srow[W - 1 - (x + dx)];
        } else {
          std::memcpy(row + x0, srow + x0 + dx, static_cast<size_t>(x1 - x0) * sizeof(float));
        }
        for (int64_t x = x1; x < W; ++x) row[x] = 0.0f;
      }
    }
  });
}

}  // namespace lth::cpu
