// Quote for a POSIX shell, so printed reproduce commands paste as they are.
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=,+@%-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A file's text as one shell line that recreates it: printf of its lines, or base64 when it is not text. */
export function recreateFileCommand(text: string, file: string): string {
  const printable = /^[\t\n\x20-\x7e\u00a0-\uffff]*$/.test(text);
  if (!printable) return `echo ${Buffer.from(text).toString('base64')} | base64 -d > ${file}`;
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  return `printf '%s\\n' ${lines.map(shellQuote).join(' ')} > ${file}`;
}
