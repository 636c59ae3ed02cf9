import { readFileSync } from 'node:fs';
import { object, parse, parseJson, string } from '@liveline/protocol';

/** The server package's version (from its package.json, next to both src/ and dist/). */
export function packageVersion(): string {
  try {
    const json = parseJson(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    const parsed = json.ok ? parse(object({ version: string({ max: 40 }) }), json.value) : null;
    return parsed?.ok ? parsed.value.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
