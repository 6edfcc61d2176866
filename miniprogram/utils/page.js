// Shared page plumbing for pages built with Component({ methods }).

// `loading` is on while `work` runs. A failure's message goes to `errorText`, or, with
// `quiet`, nowhere (the request layer has already toasted it and the page keeps what it shows).
async function withLoading(page, work, { quiet = false } = {}) {
  page.setData({ loading: true });
  try {
    await work();
  } catch (err) {
    if (!quiet) page.setData({ errorText: err.message });
  } finally {
    page.setData({ loading: false });
  }
}

// onPullDownRefresh of a page whose `load()` reloads everything.
async function reloadOnPullDown(page) {
  await page.load();
  wx.stopPullDownRefresh();
}

module.exports = { withLoading, reloadOnPullDown };
