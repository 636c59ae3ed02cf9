/**
 * Imports go one way (STYLE.md, "Layout and boundaries"): each block names a layer and what it may
 * not import. eslint.config.js applies them; packages/server/src/layers.test.ts proves each one bites.
 */
const PROTOCOL_PORTABLE = 'protocol runs in browsers and Node alike: no Node, DOM or React modules';
const CORE_NO_REACT = 'ws-client core knows no React; hooks live in src/react/';
const SERVER_TRANSPORT =
  'the server transport: a domain publishes to rooms, never touches a socket';

/**
 * Domain files matching `files` import neither the server transport and routes (relative paths
 * matching `upToTransport`) nor sockets.
 * @param {string} files
 * @param {string} upToTransport
 * @returns {import('eslint').Linter.Config}
 */
const domainLayer = (files, upToTransport) => ({
  files: [files],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: [{ name: 'ws', message: SERVER_TRANSPORT }],
        patterns: [
          { regex: upToTransport, message: SERVER_TRANSPORT },
          { group: ['node:http', 'node:net'], message: SERVER_TRANSPORT },
        ],
      },
    ],
  },
});

/**
 * Server files matching `files` import no sibling folder named by `folders` (a regex group).
 * @param {string} files
 * @param {string} folders
 * @param {string} message
 * @returns {import('eslint').Linter.Config}
 */
const serverLayer = (files, folders, message) => ({
  files: [files],
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: [{ regex: `^\\.\\./(\\.\\./)*${folders}/`, message }] },
    ],
  },
});

/** @type {import('eslint').Linter.Config[]} */
export const layerRules = [
  {
    files: ['packages/protocol/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@liveline/server', '@liveline/server/*', '**/server/src/**'],
              message: 'protocol imports neither side: not the server',
            },
            {
              group: ['@liveline/ws-client', '@liveline/ws-client/*', '**/ws-client/src/**'],
              message: 'protocol imports neither side: not the client',
            },
            { group: ['node:*'], message: PROTOCOL_PORTABLE },
          ],
          paths: ['ws', 'react', 'react-dom'].map((name) => ({ name, message: PROTOCOL_PORTABLE })),
        },
      ],
    },
  },
  {
    files: ['packages/ws-client/src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['react', 'react-dom', 'zustand', 'zustand/react'].map((name) => ({
            name,
            message: CORE_NO_REACT,
          })),
          patterns: [{ group: ['react/*', 'react-dom/*', '**/react/**'], message: CORE_NO_REACT }],
        },
      ],
    },
  },
  // Directly in domains/, `../transport/` is the server transport; `./transport/` is the DAW domain.
  domainLayer('packages/server/src/domains/*.ts', '^\\.\\./(transport|routes)/'),
  domainLayer(
    'packages/server/src/domains/*/**/*.ts',
    '^\\.\\./\\.\\./(\\.\\./)*(transport|routes)/',
  ),
  // Both transport and http use auth (L5, L7, A7), so auth uses neither, nor the routes.
  serverLayer(
    'packages/server/src/auth/**/*.ts',
    '(http|transport|routes)',
    'auth imports no http, transport or routes: they depend on it',
  ),
  // The HTTP handler and the WebSocket gateway (transport) build on http's pieces, not back.
  serverLayer(
    'packages/server/src/http/**/*.ts',
    '(transport|routes)',
    'http imports no transport or routes: transport depends on it',
  ),
  serverLayer(
    'packages/server/src/storage/**/*.ts',
    '(rooms|routes|transport|domains)',
    'storage imports no rooms (nor routes, transport or domains): they depend on it',
  ),
];
