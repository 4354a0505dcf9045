// Secrets given to `pronto-hub` without showing them in `ps`: from a file, or from standard
// input ("-").
import { readFile } from 'node:fs/promises';

export class SecretInputError extends Error {}

/** The warning printed when a secret is still given as a flag value (kept for old scripts). */
export const SECRET_ON_COMMAND_LINE = (flag: string): string =>
  `warning: ${flag} puts the secret on the command line, where other users of this machine can see it (ps, /proc); use ${flag}-file FILE or stdin instead`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The first line of FILE ("-": standard input), without its line end. Only the first line: a
 * trailing newline from `echo` or an editor is never part of the secret.
 */
export async function readSecret(file: string, stdin: () => Promise<string> = readStdin): Promise<string> {
  const text = file === '-' ? await stdin() : await readFile(file, 'utf8');
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  if (!line) throw new SecretInputError(`${file === '-' ? 'standard input' : file}: no password in it (the first line is empty)`);
  return line;
}
