// The reproduce-this command under a table must give back the same
// arguments when pasted into a shell, however it was wrapped.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { commandLine, shellQuote, wrapCommandLine } from '../src/report/command-line.js';

/** What bash makes of the text: the arguments after `swaplab`, one per line. */
function shellArgs(text: string): string[] {
  const script = `swaplab() { printf '%s\\0' "$@"; }\n${text}\n`;
  const out = execFileSync('bash', ['-c', script], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

const CASES: string[][] = [
  ['compare', 'camera-launch', '--policies', 'sync,async-mmu-gather', '--seeds', '10', '--format', 'email'],
  ['compare', 'my file.yaml', '--set', "apps.name=it's", '--set', 'x=$HOME', '--set', 'y=`id`'],
  ['compare', '/very/long/path/' + 'to/a/scenario/'.repeat(12) + 'file.yaml', '--set', 'a=b'],
  ['compare', "q'" + 'quoted words with spaces '.repeat(6) + "'q", '--seeds', '3'],
  ['run', 'back\\slash' + 'x'.repeat(80) + '\\\\end'],
];

describe('command line for reproduction', () => {
  it('quotes only what needs quoting', () => {
    expect(shellQuote('sync,async-mmu-gather')).toBe('sync,async-mmu-gather');
    expect(shellQuote('kernel.version=6.12')).toBe('kernel.version=6.12');
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(commandLine(['run', 'exit-one'])).toBe('swaplab run exit-one');
  });

  it.each(CASES.map((c) => [c.join(' ').slice(0, 40), c]))('%s: the one-line form reads back', (_name, argv) => {
    expect(shellArgs(commandLine(argv))).toEqual(argv);
  });

  it.each(CASES.map((c) => [c.join(' ').slice(0, 40), c]))('%s: wrapped at 71 columns, reads back', (_name, argv) => {
    const lines = wrapCommandLine(argv, 71);
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(71);
    expect(shellArgs(lines.join('\n'))).toEqual(argv);
  });

  it('breaks between arguments first', () => {
    const lines = wrapCommandLine(CASES[0]!, 40);
    expect(lines).toEqual(['swaplab compare camera-launch \\', '    --policies sync,async-mmu-gather \\', '    --seeds 10 --format email']);
  });
});
