// Copy to config.local.js (ignored by git) to sign in against `./mingjing dev` from WeChat DevTools:
// the login page then shows 开发登录 (POST /api/auth/dev, accepted only by a dev/fake server).
module.exports = {
  baseUrl: 'http://127.0.0.1:8000',
  devLogin: true,
};
