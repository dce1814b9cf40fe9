// Builds the addon with cmake-js (offline: Node-API headers come from the node-api-headers package).
// LTH_CUDA=AUTO|ON|OFF picks the CUDA backend (default AUTO: built when nvcc is found).
// LTH_NATIVE_DEBUG=1 builds with debug info and no optimisation.
// --cuda-emulated (npm run build:cuda-emulated): the test variant whose `cuda` device runs the kernels on the host
// emulation of test/cuda-emulation, in build/cuda-emulated (load it with LTH_ADDON_VARIANT=cuda-emulated).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const cmakeJs = join(dirname(require.resolve('cmake-js/package.json')), 'bin', 'cmake-js');

const emulated = process.argv.includes('--cuda-emulated');
const cuda = emulated ? 'OFF' : (process.env.LTH_CUDA ?? 'AUTO').toUpperCase();
if (!['AUTO', 'ON', 'OFF'].includes(cuda)) {
  console.error(`LTH_CUDA must be AUTO, ON or OFF (got '${process.env.LTH_CUDA}')`);
  process.exit(2);
}
const config = process.env.LTH_NATIVE_DEBUG ? 'Debug' : 'Release';
// `cmake-js compile` reuses a configured build directory as it is: a change between CUDA and CPU-only, of the
// archs or of the build type would be ignored silently. Start from an empty build directory when the cached
// choices differ (AUTO and ON both build CUDA where nvcc exists: not a change). Not `cmake-js rebuild`: it
// fetches Node headers from nodejs.org, which is unreachable offline.
const buildDir = process.env.LTH_NATIVE_BUILD_DIR ?? join(root, 'build', ...(emulated ? ['cuda-emulated'] : []));
const cacheFile = join(buildDir, 'CMakeCache.txt');
const cached = (key) => {
  if (!existsSync(cacheFile)) return null;
  const m = readFileSync(cacheFile, 'utf8').match(new RegExp(`^${key}:[A-Z]+=(.*)$`, 'm'));
  return m ? m[1] : null;
};
// The requested archs are recorded in a cache entry of our own (CMAKE_CUDA_ARCHITECTURES holds the default too),
// so unsetting LTH_CUDA_ARCHS after a narrowed build is seen as a change.
const archs = process.env.LTH_CUDA_ARCHS ?? 'default';
const stale =
  existsSync(cacheFile) &&
  ((cached('LTH_CUDA') === 'OFF') !== (cuda === 'OFF') ||
    cached('CMAKE_BUILD_TYPE') !== config ||
    (cached('LTH_CUDA_EMULATION') === 'ON') !== emulated ||
    (cached('LTH_REQUESTED_ARCHS') ?? 'default') !== archs ||
    // A build configured without CUDA (AUTO where nvcc was missing), now asked for CUDA explicitly: configure
    // again (and fail clearly if nvcc is still missing) rather than silently keep the CPU-only build. The CUDA
    // language's cache entries exist only where it was enabled.
    (cuda === 'ON' && cached('CMAKE_CUDA_FLAGS') === null));
if (stale) {
  console.log(
    `lth: build settings changed (LTH_CUDA ${cached('LTH_CUDA')} -> ${cuda}, ${cached('CMAKE_BUILD_TYPE')} -> ${config}): reconfiguring`,
  );
  rmSync(buildDir, { recursive: true, force: true });
}
const args = [
  cmakeJs,
  'compile',
  '--config',
  config,
  `--CDLTH_CUDA=${cuda}`,
  `--CDCMAKE_BUILD_TYPE=${config}`,
  `--CDLTH_REQUESTED_ARCHS=${archs}`,
  `--CDLTH_CUDA_EMULATION=${emulated ? 'ON' : 'OFF'}`,
];
// LTH_CUDA_ARCHS='90' (cmake list, ';'-separated) narrows the CUDA targets (default 80;90, cmake/Cuda.cmake).
if (process.env.LTH_CUDA_ARCHS) args.push(`--CDCMAKE_CUDA_ARCHITECTURES=${process.env.LTH_CUDA_ARCHS}`);
if (process.env.LTH_NATIVE_BUILD_DIR || emulated) args.push('--out', buildDir);
const jobs = process.env.CMAKE_BUILD_PARALLEL_LEVEL ?? '2';
const result = spawnSync(process.execPath, args, {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, CMAKE_BUILD_PARALLEL_LEVEL: jobs },
});
if (result.status !== 0) {
  console.error('lth: building the native addon failed (needs cmake >= 3.20 and a C++17 compiler; see packages/native-sparse/README.md)');
  process.exit(result.status ?? 1);
}
