import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import { WebSocket } from 'ws';

// jsdom's undici WebSocket cannot reach a real server under vitest (TOOLCHAIN P6).
globalThis.WebSocket = WebSocket as unknown as typeof globalThis.WebSocket;
// Without vitest globals, RTL does not unmount between tests (TOOLCHAIN P10).
afterEach(() => cleanup());
