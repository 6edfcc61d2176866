// Shared page plumbing for pages built with Component({ methods }).

// `loading` is on while `work` runs. A failure's message (or `describe(err)`) goes to `errorText`,
// or, with `quiet`, nowhere (the request layer has already toasted it and the page keeps what it shows).
async function withLoading(page, work, { quiet = false, describe = (err) => err.message } = {}) {
  page.setData({ loading: true });
  try {
    await work();
  } catch (err) {
    if (!quiet) page.setData({ errorText: describe(err) });
  } finally {
    page.setData({ loading: false });
  }
}

// onPullDownRefresh of a page whose `load()` reloads everything.
async function reloadOnPullDown(page) {
  await page.load();
  wx.stopPullDownRefresh();
}

// load() of a page that shows a failure in place of its content (with 重试): the last failure is
// cleared, then `work` runs under `loading`; a failure says `describe(err)`.
function loadInPlace(page, work, describe) {
  page.setData({ errorText: '' });
  return withLoading(page, work, { describe });
}

module.exports = { withLoading, reloadOnPullDown, loadInPlace };
