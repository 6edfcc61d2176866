// Jest renders pages with miniprogram-simulate; TDesign's miniprogram_dist is ES modules.
module.exports = {
  testEnvironment: 'jsdom',
  testMatch: ['<rootDir>/tests/**/*.test.js'],
  // mirrors DevTools' lookup: a package inside miniprogram_npm/ finds its own miniprogram_npm/
  moduleDirectories: ['node_modules', 'miniprogram_npm'],
  moduleNameMapper: { '^miniprogram-compiler$': '<rootDir>/tests/support/wcc.js' },
  transform: {
    '^.+\\.js$': ['babel-jest', { babelrc: false, configFile: false, plugins: ['@babel/plugin-transform-modules-commonjs'] }],
  },
  setupFiles: ['<rootDir>/tests/support/globals.js'],
  // The first render of a page compiles its templates with wcc: slow on a loaded 2-core CI box.
  testTimeout: 30000,
};
