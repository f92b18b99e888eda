// One jest run for the whole suite: unit specs beside the code, end-to-end specs under test/.
// Path aliases come from tsconfig.json so there is one list of them.
const { compilerOptions } = require('./tsconfig.json');

const moduleNameMapper = {};
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  const from = '^' + alias.replace('*', '(.*)') + '$';
  moduleNameMapper[from] = '<rootDir>/' + target.replace('*', '$1');
}

const ESM_ONLY_DEPENDENCIES = ['content-disposition'];

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: [
    '<rootDir>/libs/**/*.spec.ts',
    '<rootDir>/apps/**/*.spec.ts',
    '<rootDir>/test/**/*.e2e-spec.ts',
    // The typed client's own tests (it also runs them alone: npm test -w @keyhouse/client).
    '<rootDir>/packages/*/test/**/*.spec.ts',
  ],
  // A few dependencies ship ESM only, which jest's CommonJS runtime cannot require; swc
  // compiles just those to CommonJS (Node itself loads them fine through require(esm)).
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY_DEPENDENCIES.join('|')})/)`],
  transform: {
    '^.+\\.(ts|js)$': [
      '@swc/jest',
      {
        // .swcrc is the build's (it excludes specs); tests get their own settings here.
        swcrc: false,
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: {
            legacyDecorator: true,
            decoratorMetadata: true,
            useDefineForClassFields: false,
          },
          keepClassNames: true,
          // Rewrites @keyhouse/* at transform time, which also covers globalSetup (it runs
          // outside jest's module registry, where moduleNameMapper does not apply).
          baseUrl: __dirname,
          paths: compilerOptions.paths,
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleNameMapper,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
};
