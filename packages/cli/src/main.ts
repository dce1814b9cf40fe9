#!/usr/bin/env node
// The `lth` command. Commands arrive with the cli issue; today it reports what the engine offers.
import { capabilities } from '@lth/native-sparse';

const caps = capabilities();
console.log('lth — lottery tickets on a native sparse engine');
console.log(`cpu: ${caps.cpu.threads} threads, ${caps.cpu.simd}; cuda: ${caps.cuda.compiled ? `compiled, ${caps.cuda.devices.length} device(s)` : 'not compiled'}`);
console.log('commands (lottery, branch, report, export, bench) arrive with the cli issue.');
