// conv2d.cu (forward, backward data, backward filter on the one implicit-GEMM kernel, the split-K sum, the
// bias gradient) against lth::cpu::ref in the emulation. Pruned weights hold NaN (a masked load must never
// let one into a sum); dw must be exactly +0 where pruned; a second backward-filter run must give the same
// bits (split-K partials are summed in a fixed order). Outputs start as a sentinel and carry a guard tail,
// so a skipped or out-of-range write shows.
#include "check.h"
using namespace lth;
using namespace emu;

namespace {

constexpr float kSentinel = 12345.0f;
constexpr size_t kGuard = 16;

// Output buffer of n floats plus a guard tail, all kSentinel.
std::vector<float> out_buf(int64_t n) { return std::vector<float>(static_cast<size_t>(n) + kGuard, kSentinel); }
void guard_ok(const std::string& what, const std::vector<float>& v) {
  ++checks;
  for (size_t i = v.size() - kGuard; i < v.size(); ++i)
    if (v[i] != kSentinel) return fail(what + ": wrote past the end");
}
std::vector<float> body(const std::vector<float>& v) { return {v.begin(), v.end() - kGuard}; }

Conv2dGeom geom(int64_t N, int64_t C, int64_t H, int64_t W, int64_t K, int64_t R, int64_t S, int64_t sh, int64_t sw,
                int64_t ph, int64_t pw) {
  Conv2dGeom g{N, C, H, W, K, R, S, sh, sw, ph, pw, 0, 0};
  g.P = (H + 2 * ph - R) / sh + 1;
  g.Q = (W + 2 * pw - S) / sw + 1;
  return g;
}

void test_conv(const Conv2dGeom& g, double density, bool use_mask, bool bias) {
  char tag[160];
  snprintf(tag, sizeof tag, "conv N%ld C%ld %ldx%ld K%ld %ldx%ld s%ld,%ld p%ld,%ld -> %ldx%ld d%.2f%s%s", (long)g.N,
           (long)g.C, (long)g.H, (long)g.W, (long)g.K, (long)g.R, (long)g.S, (long)g.stride_h, (long)g.stride_w,
           (long)g.pad_h, (long)g.pad_w, (long)g.P, (long)g.Q, density, use_mask ? "" : " nomask", bias ? " bias" : "");
  const std::string name = tag;
  const int64_t nx = g.N * g.C * g.H * g.W, nw = g.K * g.C * g.R * g.S, ny = g.N * g.K * g.P * g.Q;
  const int64_t CRS = g.C * g.R * g.S, KRS = g.K * g.R * g.S, NPQ = g.N * g.P * g.Q;
  auto x = randv(nx), w = randv(nw, 0.5f), b = randv(g.K), dy = randv(ny);
  auto mask = randm(nw, density);
  if (use_mask)
    for (int64_t i = 0; i < nw; ++i)
      if (!mask[i]) w[i] = NAN;
  const uint8_t* m = use_mask ? mask.data() : nullptr;

  auto y1 = out_buf(ny), y2 = out_buf(ny);
  cpu::ref::conv2d_forward(g, x.data(), w.data(), m, bias ? b.data() : nullptr, y1.data());
  cuda::conv2d_forward(g, x.data(), w.data(), m, bias ? b.data() : nullptr, y2.data());
  close(name + " y", body(y2), body(y1), 2e-7 * (CRS + 4) * 4);
  guard_ok(name + " y", y2);

  auto dx1 = out_buf(nx), dx2 = out_buf(nx);
  cpu::ref::conv2d_backward_data(g, dy.data(), w.data(), m, dx1.data());
  cuda::conv2d_backward_data(g, dy.data(), w.data(), m, dx2.data());
  close(name + " dx", body(dx2), body(dx1), 2e-7 * (KRS + 4) * 4);
  guard_ok(name + " dx", dx2);

  auto dw1 = out_buf(nw), dw2 = out_buf(nw), db1 = out_buf(g.K), db2 = out_buf(g.K);
  cpu::ref::conv2d_backward_filter(g, x.data(), dy.data(), m, dw1.data(), db1.data());
  cuda::conv2d_backward_filter(g, x.data(), dy.data(), m, dw2.data(), db2.data());
  close(name + " dw", body(dw2), body(dw1), 2e-7 * (NPQ + 4) * 4);
  if (use_mask) zero_where(name + " dw pruned", body(dw2), mask);
  close(name + " db", body(db2), body(db1), 1e-6);
  guard_ok(name + " dw", dw2);
  guard_ok(name + " db", db2);
  // no bias gradient asked for; and determinism of the (possibly split) weight gradient
  auto dw3 = out_buf(nw);
  cuda::conv2d_backward_filter(g, x.data(), dy.data(), m, dw3.data(), nullptr);
  same(name + " dw again", dw3, dw2);
}

}  // namespace

void suite_conv() {
  // geometry                    N  C   H   W   K  R  S sh sw ph pw
  test_conv(geom(2, 3, 9, 9, 5, 3, 3, 1, 1, 1, 1), 0.6, true, true);     // 3x3 same padding
  test_conv(geom(1, 2, 7, 5, 3, 2, 3, 2, 1, 0, 1), 0.5, true, false);    // ragged, unequal strides/pads
  test_conv(geom(2, 1, 10, 11, 2, 2, 2, 3, 3, 0, 0), 0.7, true, true);   // stride > kernel: uncovered inputs
  test_conv(geom(3, 4, 5, 5, 7, 1, 1, 1, 1, 0, 0), 1.0, false, true);    // 1x1, no mask
  test_conv(geom(1, 3, 6, 6, 70, 3, 3, 1, 1, 1, 1), 0.3, true, true);    // K > 64: two row tiles
  test_conv(geom(2, 67, 3, 4, 2, 1, 2, 1, 1, 0, 0), 0.5, true, false);   // C > 64: two row tiles of dx
  test_conv(geom(1, 2, 4, 4, 3, 3, 3, 2, 2, 2, 2), 0.8, true, true);     // padding as large as the kernel
  test_conv(geom(2, 2, 5, 6, 3, 3, 3, 1, 1, 1, 1), 0.0, true, true);     // everything pruned
  test_conv(geom(1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0), 1.0, true, true);     // 1 element
  test_conv(geom(0, 2, 5, 5, 3, 3, 3, 1, 1, 1, 1), 0.5, true, true);     // empty batch: dw = 0, db = 0
  test_conv(geom(11, 2, 10, 10, 4, 3, 3, 1, 1, 1, 1), 0.5, true, true);  // split K: 1100 = 3 slices, last ragged
  test_conv(geom(5, 3, 17, 15, 5, 3, 2, 1, 2, 1, 0), 0.6, false, true);  // split K (595 = 2 slices), no mask
}
