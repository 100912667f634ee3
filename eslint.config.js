import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'release/**',
      'test-results/**',
      'playwright-report/**',
      'types/**',
      'wp-plugin/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  {
    // The core runs in every host: it must never reach for Electron, React or a host's code.
    files: ['app/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron', 'react', 'react-dom'].map((name) => ({
            name,
            message: 'app/ is host- and UI-free.',
          })),
          patterns: [
            {
              group: ['**/main/**', '**/renderer/**'],
              message: 'app/ must not import hosts or the renderer.',
            },
            { group: ['react/*', 'react-dom/*', 'electron/*'], message: 'app/ is host- and UI-free.' },
          ],
        },
      ],
    },
  },
  {
    // Generic code reads connectors from the registry the core was built with (createCore({ connectors })); it
    // never imports a concrete CRM connector, nor the built-in list (only hosts, the composition roots, do).
    // The WordPress site connector is not behind the seam yet: its handlers and sandbox still import it.
    files: ['app/{sync,merge,detect,store,api}/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron', 'react', 'react-dom'].map((name) => ({
            name,
            message: 'app/ is host- and UI-free.',
          })),
          patterns: [
            {
              group: ['**/main/**', '**/renderer/**'],
              message: 'app/ must not import hosts or the renderer.',
            },
            { group: ['react/*', 'react-dom/*', 'electron/*'], message: 'app/ is host- and UI-free.' },
            {
              regex: '(^|/)connectors/(?!wordpress/)[^/]+/',
              message:
                'Generic code must not import a concrete connector: use ctx.connectors (app/ports/connector.ts).',
            },
            {
              regex: '(^|/)connectors/built-in$',
              message: 'Only hosts pass the built-in connectors, to createCore({ connectors }).',
            },
          ],
        },
      ],
    },
  },
  {
    // The renderer is a web page: no Node, and only the contract's types and its client from the core.
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins, 'electron'].map((name) => ({
            name,
            message: 'The renderer runs without Node.',
          })),
          patterns: [
            {
              regex: '(^|/)app/(?!api/(client|contract)$)',
              message:
                'The renderer talks to the core only through app/api/contract (types) and app/api/client.',
            },
            { group: ['**/main/**'], message: 'The renderer must not import host code.' },
          ],
        },
      ],
    },
  },
  {
    // Links reach the OS browser only through main/electron/open-external.ts, which lets http(s) through and
    // nothing else (file:, javascript:, protocol handlers).
    files: ['main/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'shell', property: 'openExternal', message: 'Use safeOpenExternal (main/electron).' },
      ],
    },
  },
  {
    files: ['main/cli/**/*.ts', 'scripts/**', 'bench/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
);
