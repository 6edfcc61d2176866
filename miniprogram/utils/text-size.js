// 大字模式 (我的 → 大字模式): one switch kept on the phone (storage mj_large_text). Pages take the
// `textSize` behavior and put `{{largeText ? 'large-text' : ''}}` on their root view; app.wxss
// grows the text and TDesign's type tokens under `.large-text`.
const KEY = 'mj_large_text';

function isLargeText() {
  try {
    return wx.getStorageSync(KEY) === '1';
  } catch (e) {
    return false;
  }
}

function setLargeText(on) {
  wx.setStorageSync(KEY, on ? '1' : '');
}

function sync(comp) {
  const largeText = isLargeText();
  if (comp.data.largeText !== largeText) comp.setData({ largeText });
}

// A page shown again (a tab page after the switch changed on 我的) follows the switch.
const textSize = Behavior({
  data: { largeText: false },
  lifetimes: { attached() { sync(this); } },
  pageLifetimes: { show() { sync(this); } },
});

module.exports = { isLargeText, setLargeText, textSize, sync };
