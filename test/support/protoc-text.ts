// Reading Perfetto traces back with Debian's protoc, an independent decoder:
// `protoc --decode` prints protobuf text format, parsed here into nested maps.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PROTO_DIR = join(ROOT, 'src/report/trace');

export type TextMsg = { [field: string]: Array<string | TextMsg> };

function unescapeProtoString(body: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const n = body[++i]!;
    if (/[0-7]/.test(n)) {
      let oct = n;
      while (oct.length < 3 && /[0-7]/.test(body[i + 1] ?? '')) oct += body[++i];
      bytes.push(parseInt(oct, 8));
    } else if (n === 'x') {
      let hex = '';
      while (hex.length < 2 && /[0-9a-fA-F]/.test(body[i + 1] ?? '')) hex += body[++i];
      bytes.push(parseInt(hex, 16));
    } else {
      const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', "'": "'", '\\': '\\' };
      if (!(n in simple)) throw new Error(`unknown escape \\${n}`);
      bytes.push(simple[n]!.charCodeAt(0));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

export function parseTextFormat(text: string): TextMsg {
  const tokens = text.match(/"(?:[^"\\]|\\.)*"|[{}:]|[^\s{}:"]+/g) ?? [];
  let pos = 0;
  const parseMsg = (): TextMsg => {
    const msg: TextMsg = {};
    while (pos < tokens.length && tokens[pos] !== '}') {
      const field = tokens[pos++]!;
      let value: string | TextMsg;
      if (tokens[pos] === ':') {
        pos++;
        const tok = tokens[pos++]!;
        value = tok.startsWith('"') ? unescapeProtoString(tok.slice(1, -1)) : tok;
      } else {
        expect(tokens[pos++]).toBe('{');
        value = parseMsg();
        expect(tokens[pos++]).toBe('}');
      }
      (msg[field] ??= []).push(value);
    }
    return msg;
  };
  const root = parseMsg();
  expect(pos).toBe(tokens.length);
  return root;
}

export const one = (m: TextMsg, f: string): string | undefined => m[f]?.[0] as string | undefined;
export const sub = (m: TextMsg, f: string): TextMsg | undefined => m[f]?.[0] as TextMsg | undefined;

// ------------------------------------------------------------ protoc ---

function protocAvailable(): { ok: true } | { ok: false; reason: string } {
  const works = (): boolean => spawnSync('protoc', ['--version']).status === 0;
  if (works()) return { ok: true };
  const r = spawnSync('bash', [join(ROOT, 'scripts/ensure-system-deps.sh')], { encoding: 'utf8', timeout: 15 * 60_000 });
  if (works()) return { ok: true };
  return { ok: false, reason: `protoc not found; scripts/ensure-system-deps.sh exited ${r.status}: ${(r.stderr ?? '').trim()}` };
}
export const protoc = protocAvailable();
if (!protoc.ok) console.warn(`[trace tests] SKIPPING protoc decode tests: ${protoc.reason}`);

export function protocDecode(bytes: Uint8Array): TextMsg {
  const r = spawnSync('protoc', ['--decode=perfetto.protos.Trace', `--proto_path=${PROTO_DIR}`, 'perfetto_trace.proto'], {
    input: Buffer.from(bytes),
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return parseTextFormat(r.stdout);
}
