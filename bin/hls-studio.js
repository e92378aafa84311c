#!/usr/bin/env -S node --max-semi-space-size=4
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run automatically by `npm ci`).
// --max-semi-space-size=4 (MiB): V8 otherwise grows the young generation to 2 x 16 MiB while publishing
// allocates request by request; capped, a 723 MiB package publishes at 89 MiB peak RSS instead of 95,
// for the same CPU within noise (docs/publishing.md). `env -S` needs coreutils 8.30+ or macOS.
import '../dist/cli/main.js';
