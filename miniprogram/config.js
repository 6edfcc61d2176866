// Where the mini-program finds the Mingjing backend. Edit baseUrl for your server;
// devLogin shows the employee-number login that only a dev/fake server accepts.
module.exports = {
  baseUrl: 'http://127.0.0.1:8000',
  devLogin: false,
  timeout: 15000,
};
