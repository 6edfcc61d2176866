// Home page summary: who I am and the cards later issues fill in.
const { get } = require('../utils/request');

function fetchHome() {
  return get('/api/home');
}

module.exports = { fetchHome };
