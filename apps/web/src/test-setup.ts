import '@testing-library/jest-dom/vitest';
import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/react';
import WebSocket from 'ws';

// jsdom's undici WebSocket never opens under vitest; the `ws` client does (TOOLCHAIN P6).
globalThis.WebSocket = WebSocket as unknown as typeof globalThis.WebSocket;
// Without vitest globals RTL does not unmount between tests (TOOLCHAIN P10).
afterEach(() => cleanup());
