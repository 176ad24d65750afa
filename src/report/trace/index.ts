// Timeline export of a run's TraceLog: Perfetto protobuf or Chrome JSON.

import type { TraceLog } from './model.js';
import { writeChromeTrace } from './chrome-json.js';
import { writePerfettoTrace } from './perfetto.js';

export type * from './model.js';
export { buildChromeTrace, writeChromeTrace } from './chrome-json.js';
export type { ChromeTrace, ChromeTraceEvent } from './chrome-json.js';
export { PERFETTO_TRACE_PROTO, writePerfettoTrace } from './perfetto.js';
export { checkTraceLog, TraceLogError } from './validate.js';

export type TraceFormat = 'perfetto' | 'json';

/** 'perfetto': binary Trace proto (.pftrace); 'json': Trace Event Format text (.json). */
export function writeTrace(log: TraceLog, format: 'perfetto'): Uint8Array;
export function writeTrace(log: TraceLog, format: 'json'): string;
export function writeTrace(log: TraceLog, format: TraceFormat): Uint8Array | string;
export function writeTrace(log: TraceLog, format: TraceFormat): Uint8Array | string {
  switch (format) {
    case 'perfetto':
      return writePerfettoTrace(log);
    case 'json':
      return writeChromeTrace(log);
    default:
      throw new Error(`unknown trace format: ${String(format)}`);
  }
}
