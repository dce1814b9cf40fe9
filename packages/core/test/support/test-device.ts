// The device the IMP end-to-end tests run on: cpu by default; LTH_TEST_DEVICE=cuda runs the same tests on the
// GPU (scripts/gpu/run.sh). An explicit cuda that cannot be honoured fails the run (ERR_NO_CUDA), never falls
// back to the CPU.
import type { Device } from '@lth/native-sparse';

export function testDevice(): Device {
  const d = process.env.LTH_TEST_DEVICE ?? 'cpu';
  if (d !== 'cpu' && d !== 'cuda') throw new Error(`LTH_TEST_DEVICE must be cpu or cuda, got '${d}'`);
  return d;
}
