// Admin console glue: the XSRF header for htmx and fetch, confirm prompts, and the QR sign-in poll.
(function () {
  'use strict';
  function xsrf() {
    var m = document.querySelector('meta[name="xsrf-token"]');
    return m ? m.getAttribute('content') : '';
  }
  window.mjXsrf = xsrf;

  document.addEventListener('htmx:configRequest', function (e) {
    e.detail.headers['X-XSRFToken'] = xsrf();
  });
  // htmx does not swap error responses: show their message instead of failing silently.
  document.addEventListener('htmx:responseError', function (e) {
    var text = '操作失败';
    try { text = JSON.parse(e.detail.xhr.responseText).error.message; } catch (err) {
      var doc = new DOMParser().parseFromString(e.detail.xhr.responseText, 'text/html');
      var msg = doc.querySelector('.error-message');
      if (msg) text = msg.textContent.trim();
    }
    window.alert(text);
  });
  // Month pickers: a 年 select and a 月 select fill the hidden YYYY-MM field (a native
  // <input type="month"> shows the browser's language, English on an English system).
  document.addEventListener('change', function (e) {
    var box = e.target.closest && e.target.closest('[data-month-pick]');
    if (!box) return;
    var s = box.querySelectorAll('select');
    box.querySelector('input[type=hidden]').value = s[0].value + '-' + s[1].value;
  });
  document.addEventListener('submit', function (e) {
    var msg = e.target.getAttribute('data-confirm');
    if (msg && !window.confirm(msg)) e.preventDefault();
  });

  // Scan-to-sign-in: ask for a QR, poll every 2 s, sign in when the manager confirms.
  function startQr(box) {
    var img = box.querySelector('.qr-image');
    var status = box.querySelector('.qr-status');
    var timer = null;
    function show(text, cls) { status.textContent = text; status.className = 'qr-status ' + (cls || ''); }
    function refresh() {
      if (timer) clearInterval(timer);
      show('正在生成二维码…');
      fetch('/admin/login/qr', { method: 'POST', credentials: 'same-origin',
        headers: { 'X-XSRFToken': xsrf(), 'Accept': 'application/json' } })
        .then(function (r) { return r.json(); })
        .then(function (d) {
          if (!d.data) { show((d.error && d.error.message) || '二维码生成失败', 'bad'); return; }
          img.innerHTML = d.data.qr_svg;
          img.classList.remove('expired');
          box.setAttribute('data-sid', d.data.sid);
          show('请使用明镜小程序扫码，并在手机上确认登录');
          timer = setInterval(function () { poll(d.data.sid); }, 2000);
        })
        .catch(function () { show('网络异常，请点击刷新', 'bad'); });
    }
    function poll(sid) {
      fetch('/admin/login/qr/' + encodeURIComponent(sid) + '/poll',
        { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
        .then(function (r) { return r.json(); })
        .then(function (d) {
          var s = (d.data && d.data.state) || 'expired';
          if (s === 'scanned') show('已扫码，请在手机上确认登录', 'warn');
          else if (s === 'confirmed') { clearInterval(timer); show('已确认，正在进入…', 'ok');
            window.location.href = d.data.redirect || '/admin/'; }
          else if (s === 'cancelled') { clearInterval(timer); show('已在手机上取消登录，点击二维码刷新', 'bad'); img.classList.add('expired'); }
          else if (s === 'denied') { clearInterval(timer); show(d.data.message || '该账号无管理后台权限', 'bad'); img.classList.add('expired'); }
          else if (s === 'expired') { clearInterval(timer); show('二维码已过期，点击刷新', 'bad'); img.classList.add('expired'); }
        })
        .catch(function () { /* transient: try again on the next tick */ });
    }
    box.querySelector('.qr-refresh').addEventListener('click', refresh);
    img.addEventListener('click', function () { if (img.classList.contains('expired')) refresh(); });
    refresh();
  }
  document.addEventListener('DOMContentLoaded', function () {
    var box = document.querySelector('[data-qr-login]');
    if (box) startQr(box);
    var toggle = document.querySelector('.nav-toggle');
    if (toggle) toggle.addEventListener('click', function () {
      document.body.classList.toggle('nav-open');
    });
  });
})();
