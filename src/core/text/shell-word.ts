/**
 * A word for a POSIX shell: as it is when no character in it means anything
 * to the shell, else in single quotes (a `'` in it written as `'\''`). A `~`
 * is quoted, since a word starting with it would be a home folder.
 */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
