// `--device cpu|cuda` for the benchmark entry points. The case tables are device-agnostic (their tensors are
// created on the chosen device); asking for cuda where the addon has no usable CUDA device is a usage error:
// one line on stderr and exit code 2, never a silent CPU run.
import { capabilities, type Device } from '../lib/index.js';

/** Why `device` cannot run here, or null when it can. */
export function deviceUnavailable(device: Device): string | null {
  if (device === 'cpu') return null;
  const { cuda } = capabilities();
  if (!cuda.compiled) return 'this build of @lth/native-sparse has no CUDA backend (rebuild with LTH_CUDA=ON on a machine with nvcc)';
  if (!cuda.kernels) return 'this build has the CUDA runtime but no CUDA kernels';
  if (cuda.devices.length === 0) return 'no CUDA device is visible';
  return null;
}

/** The value of `--device` (or `--device=`) in args; 'cpu' when absent. Throws on any other value. */
export function parseDeviceArg(args: readonly string[]): Device {
  let value: string | undefined = 'cpu';
  const i = args.indexOf('--device');
  if (i >= 0) value = args[i + 1];
  const eq = args.find((a) => a.startsWith('--device='));
  if (eq) value = eq.slice('--device='.length);
  if (value !== 'cpu' && value !== 'cuda') throw new Error(`--device must be cpu or cuda, got '${value ?? ''}'`);
  return value;
}

/** parseDeviceArg + deviceUnavailable for a bench entry point: prints one line and exits 2 on failure. */
export function benchDeviceOrExit(prog: string, args: readonly string[]): Device {
  let device: Device;
  try {
    device = parseDeviceArg(args);
  } catch (e) {
    process.stderr.write(`${prog}: ${(e as Error).message}\n`);
    process.exit(2);
  }
  const why = deviceUnavailable(device);
  if (why) {
    process.stderr.write(`${prog}: --device ${device} cannot run here: ${why}\n`);
    process.exit(2);
  }
  return device;
}
