// eslint 9 flat config: eslint's and typescript-eslint's recommended rules.
// Syntax-only on purpose: recommendedTypeChecked (parserOptions.project =
// tsconfig.test.json) took 68 s wall / 20 s CPU against 16 s / 6 s on this
// 2-core machine, and 381 of its 418 findings were no-unnecessary-type-assertion
// on `arr[i]!` (the project indexes typed arrays with `!`; tsc does not set
// noUncheckedIndexedAccess). Run: npm run lint (part of npm test).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'out/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // A leading underscore marks a parameter or binding kept on purpose
      // (a hook's signature, a property dropped by a rest pattern).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      // Step programs are generator functions (function*), which cannot be
      // arrows, so they reach their owner through `const self = this`.
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['self'] }],
      // `let x; ... x = subscribe(cb)` where cb may run inside subscribe and
      // reads x: a const there would throw in its temporal dead zone.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // Plain browser scripts inlined into the HTML report and the dashboard.
    files: ['src/report/assets/**/*.js', 'src/web/assets/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { ...globals.browser, uPlot: 'readonly', SwaplabCharts: 'readonly' },
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
  },
);
