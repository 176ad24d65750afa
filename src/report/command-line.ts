// The command line that reproduces a table, printed under it: quoted for a
// POSIX shell, and wrappable with backslash continuations so a mail-width
// copy still pastes into a shell as the same arguments.

/** One argument as a POSIX shell reads it back: bare when safe, else in single quotes. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** `swaplab compare x --seeds 3`, each argument quoted. */
export function commandLine(argv: readonly string[]): string {
  return ['swaplab', ...argv].map(shellQuote).join(' ');
}

/**
 * The command in lines of at most `maxColumns`: breaks between arguments end
 * in ` \` and continue indented; an argument too long for a line is cut with
 * a backslash-newline (closing and reopening its quotes when cut inside them),
 * which the shell removes, so the pieces join back into one argument.
 */
export function wrapCommandLine(argv: readonly string[], maxColumns: number, indent = '    '): string[] {
  const words = ['swaplab', ...argv].map(shellQuote);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const fresh = line === '' || line === indent;
    // Room for the word and the ' \' that may follow it.
    if (!fresh && line.length + 1 + word.length + 2 > maxColumns) {
      lines.push(`${line} \\`);
      line = indent;
    }
    const start = line === '' || line === indent ? '' : ' ';
    if (line.length + start.length + word.length + 2 <= maxColumns) {
      line += start + word;
      continue;
    }
    // Too long even for a line of its own: cut it.
    const pieces = cutWord(word, maxColumns - line.length - start.length - 2, maxColumns - 2);
    lines.push(line + start + pieces[0]!);
    lines.push(...pieces.slice(1, -1));
    line = pieces[pieces.length - 1]!.replace(/\\$/, '');
  }
  lines.push(line);
  return lines;
}

/**
 * Cut a quoted word into pieces; each but the last ends in a backslash (and
 * a closing quote first when the cut falls inside single quotes, reopened on
 * the next piece). Pieces start at column 0: an indent would split the word.
 */
function cutWord(word: string, firstRoom: number, room: number): string[] {
  const pieces: string[] = [];
  let cur = '';
  let inQuote = false;
  let limit = Math.max(firstRoom, 4);
  for (let i = 0; i < word.length; i++) {
    const c = word[i]!;
    // Cut before this character when the piece is full, but never between a
    // backslash and the character it escapes (outside quotes).
    if (cur.length >= limit - 2 && !(cur.endsWith('\\') && !inQuote)) {
      pieces.push(inQuote ? `${cur}'\\` : `${cur}\\`);
      cur = inQuote ? "'" : '';
      limit = room;
    }
    cur += c;
    if (c === "'" && !(word[i - 1] === '\\' && !inQuote)) inQuote = !inQuote;
  }
  pieces.push(`${cur}\\`);
  return pieces;
}
