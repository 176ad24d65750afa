// Quote for a POSIX shell, so printed reproduce commands paste as they are.
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=,+@%-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
