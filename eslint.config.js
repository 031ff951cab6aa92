import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['.next/**', 'node_modules/**', 'data/**', 'test-results/**', 'playwright-report/**', 'next-env.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  reactHooks.configs.flat.recommended,
  {
    rules: {
      // `_`-prefixed names are deliberately unused (e.g. a field dropped by destructuring)
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    // app/ and scripts/ reach lib/ only through a folder's front door (its index.ts); tests may reach inside
    files: ['app/**/*.{ts,tsx}', 'scripts/**/*.ts', 'proxy.ts', 'instrumentation.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@/lib/*/*', '**/lib/*/*'], message: 'Import a lib folder through its front door (@/lib/<folder>), not a file inside it.' },
            { group: ['@/lib/testing', '**/lib/testing'], message: 'lib/testing holds test doubles: only tests import them.' },
          ],
        },
      ],
    },
  },
  {
    // test doubles stay out of production code in lib/ too
    files: ['lib/**/*.ts'],
    ignores: ['**/*.test.ts', 'lib/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/testing', '**/testing/*'], message: 'lib/testing holds test doubles: only tests import them.' }] },
      ],
    },
  },
);
