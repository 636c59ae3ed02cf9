import { readFileSync } from 'node:fs';

const OPERATIONS_DOC = new URL('../../../../docs/operations.md', import.meta.url);

/**
 * The shell commands of the `## <heading>` section of docs/operations.md, in order, indented as
 * written: an operator copying a block out of a list item in the raw file gets its indentation,
 * which a heredoc's closing line does not survive.
 */
export function documentedCommands(heading: string): string[] {
  const doc = readFileSync(OPERATIONS_DOC, 'utf8');
  const section = doc.slice(doc.indexOf(`## ${heading}\n`)).split(/\n## /)[0] ?? '';
  return [...section.matchAll(/^( *)```bash\n([\s\S]*?)^\1```$/gm)].map(([, , body = '']) => body);
}
