// What became of one soak input. The classes follow the CLI's exit-code
// contract (0 ok, 2 rejected input, anything else a crash) plus the two
// bounds the harness enforces itself (time -> hang, RSS -> over-memory).

export const OUTCOMES = ['accepted', 'rejected', 'crash', 'hang', 'over-memory'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Outcomes that mean a bug (in the model or in input validation): the soak fails on any of them. */
export const FAILING_OUTCOMES: ReadonlySet<Outcome> = new Set(['crash', 'hang', 'over-memory']);

/** The exit code the CLI uses for a user mistake (bad input, file, path). */
export const EXIT_USER_ERROR = 2;

/**
 * Error classes that are user mistakes, by name, so this works both with
 * today's classes and with ones added later (e.g. a UserError or a budget
 * stop). Anything else thrown from a load or a run is a bug.
 */
const USER_ERROR_NAME = /^(Scenario|Calibration|User|Input|Budget|Limit)[A-Za-z]*Error$/;

export function isUserError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const tagged = err as Error & { exitCode?: unknown; userError?: unknown };
  if (tagged.exitCode === EXIT_USER_ERROR || tagged.userError === true) return true;
  // ScenarioError sets `name`; CalibrationError only has its constructor name.
  return USER_ERROR_NAME.test(err.name) || USER_ERROR_NAME.test(err.constructor?.name ?? '');
}

/** Lines V8 prints when a heap or an array buffer cannot grow: memory, not logic. */
const OUT_OF_MEMORY = /heap out of memory|Allocation failed|Array buffer allocation failed|ERR_WORKER_OUT_OF_MEMORY/;

export interface ProcessEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The harness killed it for running past its time bound. */
  timedOut: boolean;
  /** The harness killed it for RSS above its memory bound. */
  overMemory: boolean;
  stderr: string;
}

/** Classify a finished CLI process by exit code and message. */
export function classifyProcessEnd(end: ProcessEnd): Outcome {
  if (end.timedOut) return 'hang';
  if (end.overMemory || OUT_OF_MEMORY.test(end.stderr)) return 'over-memory';
  if (end.code === 0) return 'accepted';
  if (end.code === EXIT_USER_ERROR) return 'rejected';
  return 'crash';
}

/** First non-empty line of a message, capped: enough to tell failures apart. */
export function firstLine(text: string, maxChars = 200): string {
  const line =
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? '';
  return line.length > maxChars ? `${line.slice(0, maxChars - 1)}…` : line;
}

/** A message with numbers blanked, so one bug hit with many seeds is one group. */
export function messageKey(message: string): string {
  return firstLine(message).replace(/\d+(\.\d+)?/g, 'N');
}
