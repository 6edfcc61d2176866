// Highlight the current tab; a no-op where there is no custom tab bar (tests, older clients).
function syncTabBar(page) {
  const tabBar = typeof page.getTabBar === 'function' ? page.getTabBar() : null;
  if (tabBar && tabBar.init) tabBar.init();
}

module.exports = { syncTabBar };
