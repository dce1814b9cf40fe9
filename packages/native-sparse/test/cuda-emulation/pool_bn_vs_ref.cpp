// pool2d.cu and global_avgpool.cu (max pooling with argmax, its gather backward and the scatter fallback, average pooling both
// count modes, global average pooling) and batchnorm.cu (train, eval, backward, null optional buffers)
// against lth::cpu::ref in the emulation. Max pooling is compared bit for bit (values, argmax, dx), with
// ties and NaNs in the windows; the rest within fp32 tolerance.
#include <limits>

#include "check.h"
using namespace lth;
using namespace emu;

namespace {

Pool2dGeom pgeom(int64_t N, int64_t C, int64_t H, int64_t W, int64_t kh, int64_t kw, int64_t sh, int64_t sw, int64_t ph,
                 int64_t pw) {
  Pool2dGeom g{N, C, H, W, kh, kw, sh, sw, ph, pw, 0, 0};
  g.P = (H + 2 * ph - kh) / sh + 1;
  g.Q = (W + 2 * pw - kw) / sw + 1;
  return g;
}

std::string pname(const char* op, const Pool2dGeom& g) {
  char s[160];
  snprintf(s, sizeof s, "%s N%ld C%ld %ldx%ld k%ldx%ld s%ld,%ld p%ld,%ld", op, (long)g.N, (long)g.C, (long)g.H,
           (long)g.W, (long)g.kh, (long)g.kw, (long)g.stride_h, (long)g.stride_w, (long)g.pad_h, (long)g.pad_w);
  return s;
}

// kind 0: normal values; 1: values in {-1, 0, 1} (ties everywhere); 2: NaNs (some windows several) and -inf.
void test_maxpool(const Pool2dGeom& g, int kind) {
  const std::string name = pname("maxpool", g) + " kind " + std::to_string(kind);
  const int64_t HW = g.H * g.W, nin = g.N * g.C * HW, nout = g.N * g.C * g.P * g.Q;
  auto x = randv(nin);
  if (kind == 1)
    for (auto& v : x) v = static_cast<float>(static_cast<int>(rng() % 3) - 1);
  if (kind == 2)
    for (int64_t i = 0; i < nin; ++i) {
      if (rng() % 7 == 0) x[i] = std::numeric_limits<float>::quiet_NaN();
      else if (rng() % 11 == 0) x[i] = -INFINITY;
    }
  if (kind == 2 && nin > 0) {  // NaNs with distinct payloads: the last one in a window must win
    uint32_t bits = 0x7fc00123u;
    std::memcpy(&x[0], &bits, 4);
  }
  std::vector<float> y1(nout, 7), y2(nout, 7);
  std::vector<int32_t> a1(nout, -7), a2(nout, -7);
  cpu::ref::maxpool2d_forward(g, x.data(), y1.data(), a1.data());
  cuda::maxpool2d_forward(g, x.data(), y2.data(), a2.data());
  same(name + " y", y2, y1);
  same(name + " argmax", a2, a1);

  auto dy = randv(nout);
  std::vector<float> dx1(nin, 7), dx2(nin, 7);
  cpu::ref::maxpool2d_backward(g, dy.data(), a1.data(), dx1.data());
  cuda::maxpool2d_backward(g, dy.data(), a1.data(), dx2.data());
  same(name + " dx", dx2, dx1);

  if (nout == 0 || HW == 0) return;
  // Indices anywhere in the plane (most outside their window): the scatter fallback.
  std::vector<int32_t> anyw(nout);
  for (auto& v : anyw) v = static_cast<int32_t>(rng() % HW);
  std::fill(dx1.begin(), dx1.end(), 7.0f);
  std::fill(dx2.begin(), dx2.end(), 7.0f);
  cpu::ref::maxpool2d_backward(g, dy.data(), anyw.data(), dx1.data());
  cuda::maxpool2d_backward(g, dy.data(), anyw.data(), dx2.data());
  same(name + " dx scatter", dx2, dx1);
  // Outside the plane: ERR_ARG with the CPU's message (the first bad index in (plane, output) order).
  for (int32_t bad : {-1, static_cast<int32_t>(HW)}) {
    auto am = a1;
    am[nout / 2] = bad;
    if (nout > 2) am[nout - 1] = bad + (bad < 0 ? -5 : 5);
    same_error(name + " argmax " + std::to_string(bad),
               [&] { cpu::ref::maxpool2d_backward(g, dy.data(), am.data(), dx1.data()); },
               [&] { cuda::maxpool2d_backward(g, dy.data(), am.data(), dx2.data()); });
  }
}

void test_avgpool(const Pool2dGeom& g, bool include_pad) {
  const std::string name = pname("avgpool", g) + (include_pad ? " incl" : " excl");
  const int64_t nin = g.N * g.C * g.H * g.W, nout = g.N * g.C * g.P * g.Q;
  auto x = randv(nin), dy = randv(nout);
  std::vector<float> y1(nout, 7), y2(nout, 7), dx1(nin, 7), dx2(nin, 7);
  cpu::ref::avgpool2d_forward(g, include_pad, x.data(), y1.data());
  cuda::avgpool2d_forward(g, include_pad, x.data(), y2.data());
  close(name + " y", y2, y1, 1e-6 * (g.kh * g.kw + 4));
  cpu::ref::avgpool2d_backward(g, include_pad, dy.data(), dx1.data());
  cuda::avgpool2d_backward(g, include_pad, dy.data(), dx2.data());
  close(name + " dx", dx2, dx1, 1e-6 * (g.kh * g.kw + 4));
}

void test_global(int64_t N, int64_t C, int64_t HW) {
  const std::string name = "global avgpool " + std::to_string(N) + "x" + std::to_string(C) + "x" + std::to_string(HW);
  auto x = randv(N * C * HW, 2), dy = randv(N * C);
  std::vector<float> y1(N * C, 7), y2(N * C, 7), dx1(N * C * HW, 7), dx2(N * C * HW, 7);
  cpu::ref::global_avgpool_forward(N, C, HW, x.data(), y1.data());
  cuda::global_avgpool_forward(N, C, HW, x.data(), y2.data());
  close(name + " y", y2, y1, 1e-6 * (HW / 32 + 4));
  cpu::ref::global_avgpool_backward(N, C, HW, dy.data(), dx1.data());
  cuda::global_avgpool_backward(N, C, HW, dy.data(), dx2.data());
  close(name + " dx", dx2, dx1, 1e-7);
}

// null_mask bits: 1 gamma, 2 beta, 4 running stats, 8 saved stats (forward); 16 dx, 32 dgamma, 64 dbeta.
void test_bn(int64_t N, int64_t C, int64_t HW, float offset, int nulls) {
  const std::string name = "batchnorm " + std::to_string(N) + "x" + std::to_string(C) + "x" + std::to_string(HW) +
                           " offset " + std::to_string(offset) + " nulls " + std::to_string(nulls);
  const int64_t n = N * C * HW;
  auto x = randv(n, 0.5f), dy = randv(n);
  for (auto& v : x) v += offset;
  auto gamma = randv(C), beta = randv(C), rm0 = randv(C), rv0 = randv(C);
  for (auto& v : rv0) v = v * v + 0.1f;
  const float eps = 1e-5f, momentum = 0.1f;
  const float* gm = nulls & 1 ? nullptr : gamma.data();
  const float* bt = nulls & 2 ? nullptr : beta.data();
  auto rm1 = rm0, rm2 = rm0, rv1 = rv0, rv2 = rv0;
  std::vector<float> y1(n, 7), y2(n, 7), sm1(C, 7), sm2(C, 7), si1(C, 7), si2(C, 7);
  const bool run = !(nulls & 4), save = !(nulls & 8);
  cpu::ref::batchnorm_forward_train(N, C, HW, eps, momentum, x.data(), gm, bt, run ? rm1.data() : nullptr,
                                    run ? rv1.data() : nullptr, y1.data(), save ? sm1.data() : nullptr,
                                    save ? si1.data() : nullptr);
  cuda::batchnorm_forward_train(N, C, HW, eps, momentum, x.data(), gm, bt, run ? rm2.data() : nullptr,
                                run ? rv2.data() : nullptr, y2.data(), save ? sm2.data() : nullptr,
                                save ? si2.data() : nullptr);
  close(name + " train y", y2, y1, 1e-6);
  close(name + " save_mean", sm2, sm1, 1e-6);
  close(name + " save_invstd", si2, si1, 1e-6);
  close(name + " running_mean", rm2, rm1, 1e-6);
  close(name + " running_var", rv2, rv1, 1e-6);

  cpu::ref::batchnorm_forward_eval(N, C, HW, eps, x.data(), gm, bt, rm0.data(), rv0.data(), y1.data());
  cuda::batchnorm_forward_eval(N, C, HW, eps, x.data(), gm, bt, rm0.data(), rv0.data(), y2.data());
  close(name + " eval y", y2, y1, 1e-6);

  // Backward from the reference's saved statistics (save ones of its own when the forward skipped them).
  if (!save) cpu::ref::batchnorm_forward_train(N, C, HW, eps, momentum, x.data(), gm, bt, nullptr, nullptr, y1.data(), sm1.data(), si1.data());
  std::vector<float> dx1(n, 7), dx2(n, 7), dg1(C, 7), dg2(C, 7), db1(C, 7), db2(C, 7);
  float* dxp[2] = {nulls & 16 ? nullptr : dx1.data(), nulls & 16 ? nullptr : dx2.data()};
  float* dgp[2] = {nulls & 32 ? nullptr : dg1.data(), nulls & 32 ? nullptr : dg2.data()};
  float* dbp[2] = {nulls & 64 ? nullptr : db1.data(), nulls & 64 ? nullptr : db2.data()};
  cpu::ref::batchnorm_backward(N, C, HW, x.data(), gm, sm1.data(), si1.data(), dy.data(), dxp[0], dgp[0], dbp[0]);
  cuda::batchnorm_backward(N, C, HW, x.data(), gm, sm1.data(), si1.data(), dy.data(), dxp[1], dgp[1], dbp[1]);
  close(name + " dx", dx2, dx1, 1e-5);
  close(name + " dgamma", dg2, dg1, 1e-5);
  close(name + " dbeta", db2, db1, 1e-5);
}

}  // namespace

void suite_pool() {
  for (int kind = 0; kind < 3; ++kind) {
    test_maxpool(pgeom(2, 3, 7, 9, 3, 2, 2, 2, 1, 0), kind);  // ragged, unequal kernel/stride/pad
    test_maxpool(pgeom(1, 2, 5, 5, 3, 3, 1, 1, 1, 1), kind);  // overlapping windows
  }
  test_maxpool(pgeom(2, 2, 8, 8, 2, 2, 2, 2, 0, 0), 0);   // the usual 2x2/2
  test_maxpool(pgeom(1, 3, 6, 7, 2, 4, 3, 1, 1, 2), 1);   // stride > kernel rows: uncovered inputs
  test_maxpool(pgeom(1, 1, 1, 1, 1, 1, 1, 1, 0, 0), 0);   // 1 element
  test_maxpool(pgeom(0, 3, 4, 4, 2, 2, 2, 2, 0, 0), 0);   // empty batch
  test_maxpool(pgeom(3, 40, 6, 5, 3, 3, 2, 2, 1, 1), 2);  // several blocks
  for (bool incl : {false, true}) {
    test_avgpool(pgeom(2, 3, 7, 9, 3, 2, 2, 2, 1, 0), incl);
    test_avgpool(pgeom(1, 2, 5, 5, 3, 3, 1, 1, 1, 1), incl);
    test_avgpool(pgeom(1, 3, 6, 7, 2, 4, 3, 1, 1, 2), incl);
    test_avgpool(pgeom(3, 40, 6, 5, 3, 3, 2, 2, 1, 1), incl);
    test_avgpool(pgeom(0, 3, 4, 4, 2, 2, 2, 2, 0, 0), incl);
  }
  test_global(2, 3, 49);
  test_global(3, 37, 33);  // 111 rows: several blocks of 8 warps, a ragged last lane group
  test_global(1, 5, 1);
  test_global(1, 2, 300);
  test_global(2, 2, 0);
  test_global(0, 4, 9);
}

void suite_bn() {
  test_bn(4, 3, 25, 0, 0);
  test_bn(3, 2, 300, 0, 0);       // 900 per channel: several strides of the block
  test_bn(2, 3, 40, 1000, 0);     // large offset: the two-pass variance
  test_bn(1, 5, 1, 0, 0);         // one element per channel: unbiased variance = biased
  test_bn(5, 9, 7, 0.5f, 1 | 2);  // no gamma / beta
  test_bn(2, 4, 10, 0, 4 | 8);    // no running / saved stats
  test_bn(3, 3, 11, 0, 16);       // backward without dx
  test_bn(3, 3, 11, 0, 32 | 64);  // backward dx only
  test_bn(0, 3, 5, 0, 0);         // empty batch
  test_bn(2, 0, 5, 0, 0);         // no channels
}
