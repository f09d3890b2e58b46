// One linter (ESLint with typescript-eslint) and one formatter (Prettier, `npm run format`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.tools/', 'runs/', 'test-artifacts/', 'dist/', 'verifier/plan/fixtures/malformed/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // TypeScript checks names; ESLint does not know Node's globals in .mjs files.
      'no-undef': 'off',
    },
  },
  {
    // k6's require() in the init context: burst.ts loads its lib modules only in the VUs that
    // need them (static imports would load them in every VU; see the file).
    files: ['loadtests/burst.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
