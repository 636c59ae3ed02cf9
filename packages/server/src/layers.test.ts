import { fileURLToPath, pathToFileURL } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** The repository's layer rules (eslint.layers.js) alone, over the TypeScript parser. */
const linter = async (): Promise<ESLint> => {
  const { layerRules } = (await import(pathToFileURL(`${root}eslint.layers.js`).href)) as {
    layerRules: Linter.Config[];
  };
  return new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [
      { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
      ...layerRules,
    ],
  });
};

/** The messages of the restricted imports ESLint finds in `code` placed at `path`. */
const restricted = async (path: string, code: string): Promise<string[]> => {
  const [result] = await (await linter()).lintText(code, { filePath: `${root}${path}` });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
};

describe('imports go one way (eslint.layers.js)', () => {
  it('protocol imports neither the server nor the client, nor Node or React', async () => {
    const at = 'packages/protocol/src/example.ts';
    expect(await restricted(at, "import { startServer } from '@liveline/server';")).toHaveLength(1);
    expect(await restricted(at, "import type { Client } from '@liveline/ws-client';")).toHaveLength(
      1,
    );
    expect(await restricted(at, "import { readFileSync } from 'node:fs';")).toHaveLength(1);
    expect(await restricted(at, "import { parse } from './validate.js';")).toEqual([]);
  });

  it('ws-client core imports no React, but may use the vanilla store', async () => {
    const at = 'packages/ws-client/src/core/example.ts';
    expect(await restricted(at, "import { useState } from 'react';")).toHaveLength(1);
    expect(await restricted(at, "import { useBoard } from '../react/useBoard.js';")).toHaveLength(
      1,
    );
    expect(await restricted(at, "import { createStore } from 'zustand/vanilla';")).toEqual([]);
  });

  it('domains import no transport or routes, wherever they sit; the DAW transport domain is a domain', async () => {
    const nested = 'packages/server/src/domains/board/example.ts';
    const top = 'packages/server/src/domains/example.ts';
    expect(
      await restricted(nested, "import type { Connection } from '../../transport/Connection.js';"),
    ).toHaveLength(1);
    expect(
      await restricted(top, "import { joinRooms } from '../routes/joinRooms.js';"),
    ).toHaveLength(1);
    expect(await restricted(nested, "import { WebSocket } from 'ws';")).toHaveLength(1);
    expect(
      await restricted(
        nested,
        "import { TRANSPORT_ROOMS } from '../transport/createTransportDomain.js';",
      ),
    ).toEqual([]);
    expect(
      await restricted(
        top,
        "import { TRANSPORT_ROOMS } from './transport/createTransportDomain.js';",
      ),
    ).toEqual([]);
  });

  it('auth imports no http, transport or routes, which import it; it may use the log', async () => {
    const at = 'packages/server/src/auth/example.ts';
    for (const code of [
      "import { sendJson } from '../http/httpReplies.js';",
      "import { createClientAddress } from '../transport/createClientAddress.js';",
      "import { joinRooms } from '../routes/joinRooms.js';",
    ])
      expect(await restricted(at, code)).toHaveLength(1);
    expect(await restricted(at, "import type { Logger } from '../log/createLogger.js';")).toEqual(
      [],
    );
  });

  it('http imports no transport or routes, which build on it; it may use auth', async () => {
    const at = 'packages/server/src/http/example.ts';
    for (const code of [
      "import { createHttpHandler } from '../transport/createHttpHandler.js';",
      "import { boardRoutes } from '../routes/boardRoutes.js';",
    ])
      expect(await restricted(at, code)).toHaveLength(1);
    expect(await restricted(at, "import { addressKey } from '../auth/addressKey.js';")).toEqual([]);
  });

  it('storage imports no rooms', async () => {
    const at = 'packages/server/src/storage/example.ts';
    expect(await restricted(at, "import type { Broker } from '../rooms/Broker.js';")).toHaveLength(
      1,
    );
    expect(await restricted(at, "import { StorageError } from '../errors.js';")).toEqual([]);
  });
});
