import { parseArgs, type ParseArgsConfig } from 'node:util';
import { errorMessage } from './errors.js';

/** The flags a subcommand accepts. */
type Flags = NonNullable<ParseArgsConfig['options']>;

/** A subcommand's arguments parsed strictly (unknown flags are errors), positionals allowed. */
export type CommandLine<O extends Flags> = ReturnType<
  typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>
>;

/** Parses the arguments of a `liveline` subcommand; a bad one is an `error` value, never a throw. */
export function parseCommandLine<const O extends Flags>(
  argv: readonly string[],
  options: O,
):
  | { readonly ok: true; readonly line: CommandLine<O> }
  | { readonly ok: false; readonly error: string } {
  try {
    return {
      ok: true,
      line: parseArgs({ args: [...argv], options, allowPositionals: true, strict: true }),
    };
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
}
