import { readFileSync } from 'node:fs';

const OPERATIONS_DOC = new URL('../../../../docs/operations.md', import.meta.url);

/** The shell commands of the `## <heading>` section of docs/operations.md, in order, unindented. */
export function documentedCommands(heading: string): string[] {
  const doc = readFileSync(OPERATIONS_DOC, 'utf8');
  const section = doc.slice(doc.indexOf(`## ${heading}\n`)).split(/\n## /)[0] ?? '';
  return [...section.matchAll(/^( *)```bash\n([\s\S]*?)^\1```$/gm)].map(
    ([, indent = '', body = '']) => body.replace(new RegExp(`^${indent}`, 'gm'), ''),
  );
}
