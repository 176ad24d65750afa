// Mistakes the user can fix: a scenario file, a --set override, a path, a
// port, a budget. The CLI prints the message as one line and exits 2, the
// server answers 400; never a stack trace. Anything else that escapes is a bug.

/** A user mistake; `message` is one line naming the file, field or path. */
export class UserError extends Error {
  override name = 'UserError';
}

/** A mistake in a scenario file or a --set override. */

/** The `file` of an error that comes from a `--set path=value` override. */
export const SET_SOURCE = '--set';

export interface ScenarioErrorLocation {
  line?: number;
  column?: number;
  /** Dotted field path, e.g. `apps.count`. */
  path?: string;
}

export class ScenarioError extends UserError {
  override name = 'ScenarioError';
  /** File label as the user should see it, or SET_SOURCE. */
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly path?: string;
  /** The problem alone, without the location. */
  readonly reason: string;

  constructor(file: string, reason: string, loc: ScenarioErrorLocation = {}) {
    super(reason);
    this.file = file;
    this.reason = reason;
    if (loc.line !== undefined) this.line = loc.line;
    if (loc.column !== undefined) this.column = loc.column;
    if (loc.path) this.path = loc.path;
    // `message` is the full one-liner so a plain `console.error(e.message)` is right too.
    this.message = this.format();
  }

  /**
   * One line: `scenarios/x.yaml:12:5: apps.count: expected number, received string`,
   * or `--set apps.count: expected number, received string` for an override.
   */
  format(): string {
    if (this.file === SET_SOURCE) {
      return `${SET_SOURCE}${this.path ? ` ${this.path}` : ''}: ${this.reason}`;
    }
    let where = this.file;
    if (this.line !== undefined) where += `:${this.line}:${this.column ?? 1}`;
    return this.path ? `${where}: ${this.path}: ${this.reason}` : `${where}: ${this.reason}`;
  }
}
