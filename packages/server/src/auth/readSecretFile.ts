import { readFileSync } from 'node:fs';
import { errorMessage } from '../errors.js';

/** The secret in a file, without the trailing newline an editor or `echo` adds; throws naming why. */
export function readSecretFile(path: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new Error(`cannot read the secret file: ${errorMessage(error)}`, { cause: error });
  }
}
