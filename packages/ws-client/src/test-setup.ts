import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

// Without vitest globals, RTL does not unmount between tests (TOOLCHAIN P10).
afterEach(() => cleanup());
