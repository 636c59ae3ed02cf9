#!/usr/bin/env node
// A committed shim so that pnpm can link the bin before the first build creates dist/.
import '../dist/main.js';
