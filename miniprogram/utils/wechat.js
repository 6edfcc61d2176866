// Promise wrappers for the few callback-style wx APIs we use.
function wxLogin() {
  return new Promise((resolve, reject) => {
    wx.login({
      success: (res) => (res && res.code ? resolve(res.code) : reject(new Error('wx.login 未返回 code'))),
      fail: (err) => reject(err),
    });
  });
}

// Resolves to the scanned text, or null when the user closed the scanner.
function scanCode() {
  return new Promise((resolve) => {
    wx.scanCode({
      onlyFromCamera: false,
      scanType: ['qrCode'],
      success: (res) => resolve((res && res.result) || null),
      fail: () => resolve(null),
    });
  });
}

function toast(title) {
  wx.showToast({ title, icon: 'none', duration: 2500 });
}

module.exports = { wxLogin, scanCode, toast };
