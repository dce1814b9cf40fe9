// Rewrites every `kernel<<<grid, block, smem, stream>>>(args);` of a .cu file into
// `emu_launch(dim3(grid), dim3(block), [&] { kernel(args); });` so the file compiles as host C++ against the
// emulated runtime in cuda_runtime.h. Usage: node rewrite-launches.mjs in.cu out.cpp
import { readFileSync, writeFileSync } from 'node:fs';

const [src, dst] = process.argv.slice(2);
const s = readFileSync(src, 'utf8');
const isName = (c) => /[A-Za-z0-9_:]/.test(c);

/**
 * Split `text` at top-level commas (outside (), [], {}). Angle brackets are not counted: a launch configuration
 * may compare (`n > 0 ? a : b`), and a template argument list with a top-level comma would need parentheses.
 */
function topLevelSplit(text) {
  const parts = [];
  let depth = 0;
  let cur = '';
  for (const c of text) {
    if (c === '(' || c === '[' || c === '{') depth++;
    if (c === ')' || c === ']' || c === '}') depth--;
    if (c === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

let out = '';
let i = 0;
for (;;) {
  const j = s.indexOf('<<<', i);
  if (j < 0) break;
  // The kernel name, template arguments included, ends before <<< (a formatter may break the line there).
  let end = j;
  while (end > 0 && /\s/.test(s[end - 1])) end--;
  let k = end;
  let depth = 0;
  while (k > 0) {
    const c = s[k - 1];
    if (c === '>') depth++;
    else if (c === '<') depth--;
    else if (depth === 0 && !isName(c)) break;
    k--;
  }
  const name = s.slice(k, end);
  if (!/^[A-Za-z_]/.test(name)) throw new Error(`${src}: no kernel name before the launch at offset ${j}`);
  const e = s.indexOf('>>>', j);
  const cfg = topLevelSplit(s.slice(j + 3, e));
  let q = e + 3;
  while (/\s/.test(s[q] ?? '')) q++; // a formatter may break the line between >>> and (
  if (s[q] !== '(') throw new Error(`${src}: no argument list after the launch of ${name}`);
  const open = q;
  let d = 0;
  for (; ; q++) {
    if (s[q] === '(') d++;
    else if (s[q] === ')' && --d === 0) break;
  }
  const args = s.slice(open + 1, q);
  out += s.slice(i, k) + `emu_launch(dim3(${cfg[0].trim()}), dim3(${cfg[1].trim()}), [&] { ${name}(${args}); })`;
  i = q + 1;
}
writeFileSync(dst, out + s.slice(i));
