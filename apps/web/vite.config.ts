/// <reference types="vitest/config" />
import { defineConfig, defaultClientConditions, defaultServerConditions } from 'vite';
import react from '@vitejs/plugin-react';

// Where the dev server forwards WebSocket routes and the HTTP API.
const WS_TARGET = process.env.WS_TARGET ?? 'http://127.0.0.1:8000';
const SOURCE = '@liveline/source';

// Under vitest the `browser` condition would resolve `ws` to its stub, so tests keep node's set (TOOLCHAIN P7).
const conditions = process.env.VITEST
  ? [SOURCE, ...defaultServerConditions.filter((c) => c !== 'module')]
  : [SOURCE, ...defaultClientConditions];

// changeOrigin false keeps the browser's Host (127.0.0.1:5173, a loopback name the server's Host
// check accepts, rule O3) and its Origin, which `pnpm run dev` puts in the server's ALLOWED_ORIGINS.
const backend = { target: WS_TARGET, changeOrigin: false };

export default defineConfig({
  plugins: [react()],
  resolve: { conditions },
  server: {
    host: '127.0.0.1',
    port: Number(process.env.WEB_PORT ?? 5173),
    strictPort: true,
    proxy: {
      // A regex key: '/ws' alone would prefix-match '/wsx' (TOOLCHAIN P11); HMR lives on '/'.
      '^/ws(?:[/?]|$)': { ...backend, ws: true },
      '^/api(?:[/?]|$)': backend,
      '^/health(?:[/?]|$)': backend,
    },
  },
  build: { sourcemap: true },
  test: {
    name: 'web',
    environment: 'jsdom',
    setupFiles: ['./src/test-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
