#!/usr/bin/env node
// The `lth` executable: a committed entry point (so npm can link it before the TypeScript is built) that
// runs the compiled CLI.
import('../dist/main.js').catch((e) => {
  if (e && e.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('lth: the CLI is not built yet — run `npm install` (or `npm run build`) at the repository root\n');
    process.exit(1);
  }
  throw e;
});
