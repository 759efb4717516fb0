/** Type-checking is `tsc --noEmit` in `npm test`; ts-jest only transpiles so the suite stays fast. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { isolatedModules: true, diagnostics: false }],
  },
  testTimeout: 120000,
  // Jest's default leaves a core to its main process, which only waits: one worker on a 2-core
  // machine. The suites are mostly synth and terraform runs, so a worker per core is faster.
  maxWorkers: "100%",
};
