/**
 * A module resolve hook (`node:module` `register`) that appends the URL of every module an
 * `import` resolves to the file its `initialize` is given, one a line, before the import goes on:
 * the file holds each module imported so far, even if the process is killed. The `require`s of a
 * CommonJS package are not seen, the package itself is. Registered by resolvedModulesMain.ts.
 */
import { appendFileSync } from 'node:fs';
import type { InitializeHook, ResolveHook } from 'node:module';

let file = '';

export const initialize: InitializeHook<string> = (path) => {
  file = path;
};

export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  const resolved = await nextResolve(specifier, context);
  appendFileSync(file, `${resolved.url}\n`);
  return resolved;
};
