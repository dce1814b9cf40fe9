import { native } from '@lth/core';
import { Command } from 'commander';

export function infoCommand(): Command {
  return new Command('info').description('what the native engine offers here: threads, SIMD, CUDA build and devices').action(() => {
    const caps = native.capabilities();
    process.stdout.write(`${JSON.stringify(caps, null, 2)}\n`);
  });
}
