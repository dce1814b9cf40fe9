// Packs what a GPU machine without Node.js needs to build and test the CUDA backend (scripts/gpu/run.sh):
//   gpu-bundle/node.xz          this machine's node binary, xz-compressed
//   gpu-bundle/modules.tar.xz   the npm packages the native-sparse build, tests and kernel bench need
//                               (cmake-js, node-addon-api, vitest, fast-check, tsx and their dependencies),
//                               zod for core's training modules, plus packages/native-sparse/dist and
//                               packages/core/dist (the compiled TypeScript)
//   gpu-bundle/data/mnist       the MNIST gzip files from ../shared/data (GPU lottery phase), when present
// The device tool carries ignored paths of at most 64 MiB: `carry: ["gpu-bundle"]`.
// Usage: node scripts/gpu/pack.mjs   (from the repository root, after `npm install`)
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = process.cwd();
const modules = join(root, 'node_modules');
if (!existsSync(join(root, 'packages/native-sparse/dist/index.js')) || !existsSync(join(root, 'packages/core/dist/index.js'))) {
  console.error('pack: run `npm install` first (packages/native-sparse/dist or packages/core/dist is missing)');
  process.exit(1);
}
// Roots of the dependency closure. onnxruntime-node and @tensorflow/* stay behind (hundreds of MB): the
// GPU run leaves out the tests and bench rows that need them.
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
const out = join(root, 'gpu-bundle');
rmSync(out, { recursive: true, force: true });
mkdirSync(out);
const paths = [...seen].sort().map((n) => `node_modules/${n}`);
paths.push('packages/native-sparse/dist', 'packages/core/dist');
writeFileSync(join(out, 'modules.txt'), `${paths.join('\n')}\n`);
execFileSync('tar', ['-cJf', join(out, 'modules.tar.xz'), '-C', root, '--exclude=*.map', '-T', join(out, 'modules.txt')], {
  stdio: 'inherit', env: { ...process.env, XZ_OPT: '-6 -T2' },
});
execFileSync('sh', ['-c', `xz -6 -T2 -c "${process.execPath}" > "${join(out, 'node.xz')}"`], { stdio: 'inherit' });
const mnist = join(root, '..', 'shared', 'data', 'mnist');
if (existsSync(mnist)) {
  mkdirSync(join(out, 'data', 'mnist'), { recursive: true });
  for (const f of readdirSync(mnist)) if (f.endsWith('.gz')) copyFileSync(join(mnist, f), join(out, 'data', 'mnist', f));
} else {
  console.warn(`pack: ${mnist} not found: the GPU lottery phase will have no MNIST`);
}
const mib = (f) => (statSync(join(out, f)).size / 2 ** 20).toFixed(1);
console.log(`gpu-bundle: node.xz ${mib('node.xz')} MiB, modules.tar.xz ${mib('modules.tar.xz')} MiB (${seen.size} packages); node ${process.version}`);
