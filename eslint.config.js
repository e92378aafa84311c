// Layering is enforced here, not by memory (STYLE.md "One core, three faces"):
//   src/common  runs anywhere: no Node built-ins, no Electron, no React;
//   src/**      the engine and its CLI/server faces: never Electron or React;
//   renderer/** browser only: no Node built-ins, no engine internals outside src/common.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const uiAndShell = [
  { name: 'electron', message: 'The engine never imports Electron: put this in electron/.' },
  { name: 'react', message: 'The engine never imports React: put this in renderer/.' },
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: uiAndShell, patterns: ['electron/*', 'react/*', 'react-dom*'] },
      ],
    },
  },
  {
    files: ['src/common/**/*.ts'],
    ignores: ['src/common/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...uiAndShell,
            ...nodeBuiltins.map((name) => ({
              name,
              message: 'src/common runs anywhere: no Node built-ins.',
            })),
          ],
          patterns: [
            { group: ['**/node/**', '**/cli/**'], message: 'src/common may only import src/common.' },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'The renderer runs in a browser: no Node built-ins.',
          })),
          patterns: [
            { group: ['**/src/node/**', '**/src/cli/**'], message: 'The renderer only imports src/common.' },
          ],
        },
      ],
    },
  },
);
