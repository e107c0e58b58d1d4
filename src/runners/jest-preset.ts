/**
 * `preset: 'asyncrace/jest'`: jest looks a bare preset name up as `<name>/jest-preset`, so
 * package.json exports this file as `./jest/jest-preset`. jest never runs code through Node's require
 * hooks (its module registry evaluates every file itself), so instrumentation has to come from its
 * `transform`, and the runtime has to be shared through the test environment (see jest-environment).
 * A user's own `transform` entries are merged over these; a `testEnvironment` of theirs replaces ours
 * (tests then go unnamed) unless they keep ours and name theirs in `testEnvironmentOptions:
 * { asyncraceEnvironment: ... }`, which ours then extends. Its `reporters` add asyncrace's summary
 * of the run's races to jest's default output; a project's own `reporters` replace them (jest does
 * not merge that option), so such a project lists `asyncrace/jest/reporter` itself. (`asyncrace run
 * -- jest` does all this for a project without the preset, and adds the reporter to any project's
 * `reporters`: jest-config.ts.)
 */
export = {
  transform: { '\\.[cm]?[jt]sx?$': require.resolve('./jest-transformer') },
  testEnvironment: require.resolve('./jest-environment'),
  reporters: ['default', require.resolve('./jest-reporter')],
};
