#!/usr/bin/env node
// The swaplab command line.
import { Command } from 'commander';
import { runDemo } from './demo.js';

const program = new Command('swaplab').description('Linux exit-path and swap-free policy simulator');

program
  .command('demo')
  .description('run a small demonstration of the simulation core')
  .option('--seed <n>', 'random seed', '1')
  .action((o: { seed: string }) => {
    console.log(runDemo(Number(o.seed)));
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`swaplab: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
});
