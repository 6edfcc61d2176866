// Where the mini-program finds the Mingjing backend. Edit baseUrl for your server;
// devLogin shows the employee-number login that only a dev/fake server accepts.
// For local development put overrides in config.local.js (not committed, see
// config.local.example.js): `./mingjing dev` + `module.exports = { devLogin: true }`.
const config = {
  baseUrl: 'http://127.0.0.1:8000',
  devLogin: false,
  timeout: 15000,
};

// The tests always run on the committed defaults, whatever a developer keeps locally.
const underTest = typeof process !== 'undefined' && process.env && process.env.JEST_WORKER_ID;
if (!underTest) {
  try {
    // eslint-disable-next-line global-require, import/no-unresolved
    Object.assign(config, require('./config.local.js'));
  } catch (e) {
    // no local overrides: the committed defaults above
  }
}

module.exports = config;
