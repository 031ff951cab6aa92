import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('.', import.meta.url)) } },
  test: {
    include: ['proxy.test.ts', 'lib/**/*.test.ts', 'app/**/*.test.ts', 'scripts/**/*.test.ts', 'e2e/servers/**/*.test.ts'],
    environment: 'node',
    testTimeout: 15_000,
    // better-sqlite3 is native; forks isolate it cleanly.
    pool: 'forks',
    // every core: vitest's default leaves one free, which on a 2-core CI machine is one worker
    // (106 s for the suite there; 71 s with two)
    maxWorkers: availableParallelism(),
  },
});
