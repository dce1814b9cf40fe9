// Packs what a GPU machine without Node.js needs for the one-call verification (scripts/gpu/run.sh), so that
// the device compiles nothing unless the prebuilt addon cannot run there:
//   gpu-bundle/node.xz              this machine's node binary (x86_64 Linux), xz-compressed (cached in build/)
//   gpu-bundle/addon/lth_native.node.xz   the CUDA addon built HERE (LTH_CUDA=ON, archs $LTH_GPU_ARCHS or 90 for
//                                   H100/H200) in build/native-cuda-sm<archs> (the normal build is left alone)
//   gpu-bundle/addon/requires.txt   its dynamic libraries and the newest glibc / libstdc++ symbol versions it needs
//   gpu-bundle/lib/libstdc++.so.6   this machine's C++ runtime: run.sh retries the load with it when the device's
//                                   is older, before it falls back to building the addon from the carried sources
//   gpu-bundle/modules.tar.xz       the npm packages the fallback build, the tests and the benches need
//                                   (cmake-js, node-addon-api, node-api-headers, vitest, fast-check, tsx, zod and
//                                   their dependencies) plus packages/native-sparse/dist and packages/core/dist
//   gpu-bundle/data/mnist           the MNIST gzip files from ../shared/data (core tests, LeNet level)
//   gpu-bundle/manifest.json        commit, node version, sizes, pack time
// The sources (tracked files) travel with the working tree; gpu-bundle/ is git-ignored, so the device tool
// carries it when named: `carry: ["gpu-bundle"]` (at most 64 MiB: checked here).
// Usage: node scripts/gpu/pack.mjs   (from the repository root, after `npm install`)
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const started = performance.now();
const root = process.cwd();
const modules = join(root, 'node_modules');
const CARRY_LIMIT_MIB = 64;
if (!existsSync(join(root, 'packages/native-sparse/dist/index.js')) || !existsSync(join(root, 'packages/core/dist/index.js'))) {
  console.error('pack: run `npm install` first (packages/native-sparse/dist or packages/core/dist is missing)');
  process.exit(1);
}
const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { encoding: 'utf8', ...opts });
const xz = (from, to) => sh('sh', ['-c', `xz -6 -T2 -c "${from}" > "${to}"`]);

// ---- the CUDA addon, built here ---------------------------------------------------------------------------------
const archs = process.env.LTH_GPU_ARCHS ?? '90';
const buildDir = join(root, 'build', `native-cuda-sm${archs.replace(/;/g, '-')}`);
const tBuild = performance.now();
console.log(`pack: building the CUDA addon for sm_${archs} in ${buildDir} (incremental after the first time)`);
execFileSync(process.execPath, ['scripts/build-native.mjs'], {
  cwd: join(root, 'packages/native-sparse'),
  stdio: 'inherit',
  env: {
    ...process.env,
    LTH_CUDA: 'ON',
    LTH_CUDA_ARCHS: archs,
    LTH_NATIVE_BUILD_DIR: buildDir,
    PATH: `/usr/local/cuda/bin:${process.env.PATH ?? ''}`,
  },
});
const buildSeconds = (performance.now() - tBuild) / 1000;
const addon = join(buildDir, 'Release', 'lth_native.node');
// The addon must load here and report CUDA kernels for the archs asked for (no device needed for that).
const caps = JSON.parse(
  sh(
    process.execPath,
    ['--input-type=module', '-e', "import { capabilities } from '@lth/native-sparse'; console.log(JSON.stringify(capabilities()));"],
    { env: { ...process.env, LTH_NATIVE_PATH: addon } },
  ),
);
if (!caps.cuda.compiled || !caps.cuda.kernels) throw new Error(`pack: ${addon} has no CUDA kernels: ${JSON.stringify(caps.cuda)}`);

const out = join(root, 'gpu-bundle');
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'addon'), { recursive: true });
mkdirSync(join(out, 'lib'));
xz(addon, join(out, 'addon', 'lth_native.node.xz'));
const ldd = sh('ldd', [addon]);
const newest = (prefix) => {
  const v = [...new Set(sh('objdump', ['-T', addon]).match(new RegExp(`${prefix}_[0-9.]+`, 'g')) ?? [])];
  return v.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1) ?? 'none';
};
writeFileSync(
  join(out, 'addon', 'requires.txt'),
  `built for sm_${archs} with ${sh('/usr/local/cuda/bin/nvcc', ['--version']).trim().split('\n').at(-1)}; node ${process.version}\n` +
    `newest symbol versions: ${newest('GLIBC')} ${newest('GLIBCXX')} ${newest('CXXABI')}\n${ldd}`,
);
const libstdcxx = /libstdc\+\+\.so\.6 => (\S+)/.exec(ldd)?.[1];
if (libstdcxx) copyFileSync(libstdcxx, join(out, 'lib', 'libstdc++.so.6'));

// ---- npm packages and compiled TypeScript -------------------------------------------------------------------------
// Roots of the dependency closure. onnxruntime-node and @tensorflow/* stay behind (hundreds of MB): the GPU run
// leaves out the tests and bench rows that need them.
const roots = ['cmake-js', 'node-addon-api', 'node-api-headers', 'vitest', 'fast-check', 'tsx', 'zod'];
const seen = new Set();
const queue = [...roots];
while (queue.length) {
  const name = queue.pop();
  if (seen.has(name)) continue;
  const pj = join(modules, name, 'package.json');
  if (!existsSync(pj)) continue; // optional dependency not installed on this platform
  seen.add(name);
  const pkg = JSON.parse(readFileSync(pj, 'utf8'));
  for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) queue.push(dep);
}
const paths = [...seen].sort().map((n) => `node_modules/${n}`);
paths.push('packages/native-sparse/dist', 'packages/core/dist');
writeFileSync(join(out, 'modules.txt'), `${paths.join('\n')}\n`);
execFileSync('tar', ['-cJf', join(out, 'modules.tar.xz'), '-C', root, '--exclude=*.map', '-T', join(out, 'modules.txt')], {
  stdio: 'inherit',
  env: { ...process.env, XZ_OPT: '-6 -T2' },
});
// The node binary changes only with node itself: its compressed copy is kept beside the addon build (xz of
// ~100 MB is most of a re-pack's time).
const nodeXz = join(root, 'build', `node-${process.version}-${statSync(process.execPath).size}.xz`);
if (!existsSync(nodeXz)) {
  xz(process.execPath, `${nodeXz}.tmp`);
  renameSync(`${nodeXz}.tmp`, nodeXz);
}
copyFileSync(nodeXz, join(out, 'node.xz'));
const mnist = join(root, '..', 'shared', 'data', 'mnist');
if (existsSync(mnist)) {
  mkdirSync(join(out, 'data', 'mnist'), { recursive: true });
  for (const f of readdirSync(mnist)) if (f.endsWith('.gz')) copyFileSync(join(mnist, f), join(out, 'data', 'mnist', f));
} else {
  console.warn(`pack: ${mnist} not found: the core tests and the LeNet level will have no MNIST`);
}

// ---- size check and manifest --------------------------------------------------------------------------------------
const sizeOf = (p) => (statSync(p).isDirectory() ? readdirSync(p).reduce((s, f) => s + sizeOf(join(p, f)), 0) : statSync(p).size);
const mib = (bytes) => Number((bytes / 2 ** 20).toFixed(1));
const parts = Object.fromEntries(
  ['node.xz', 'modules.tar.xz', 'addon', 'lib', 'data'].filter((f) => existsSync(join(out, f))).map((f) => [f, mib(sizeOf(join(out, f)))]),
);
const total = sizeOf(out);
let commit = 'unknown';
try {
  commit = sh('git', ['rev-parse', 'HEAD']).trim();
} catch {
  /* not a git checkout */
}
const manifest = {
  commit,
  node: process.version,
  cudaArchs: archs,
  packages: seen.size,
  mib: parts,
  totalMiB: mib(total),
  addonBuildSeconds: Number(buildSeconds.toFixed(1)),
  packSeconds: Number(((performance.now() - started) / 1000).toFixed(1)),
  packedAt: new Date().toISOString(),
};
writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(
  `gpu-bundle: ${manifest.totalMiB} MiB (${Object.entries(parts)
    .map(([k, v]) => `${k} ${v}`)
    .join(
      ', ',
    )}); ${seen.size} packages; node ${process.version}; addon sm_${archs}; pack ${manifest.packSeconds} s (addon build ${manifest.addonBuildSeconds} s)`,
);
if (total > CARRY_LIMIT_MIB * 2 ** 20) {
  console.error(`pack: gpu-bundle is ${manifest.totalMiB} MiB, over the device tool's ${CARRY_LIMIT_MIB} MiB carry limit`);
  process.exit(1);
}
