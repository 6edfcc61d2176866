// Unread messages, shown as a badge on the 首页 tab (the inbox opens from the home page).
let unreadCount = 0;

function tabBarOf(page) {
  return page && typeof page.getTabBar === 'function' ? page.getTabBar() : null;
}

// Highlight the current tab; a no-op where there is no custom tab bar (tests, older clients).
function syncTabBar(page) {
  const tabBar = tabBarOf(page);
  if (tabBar && tabBar.init) tabBar.init();
  if (tabBar && tabBar.setUnread) tabBar.setUnread(unreadCount);
}

function setUnreadBadge(count) {
  unreadCount = Math.max(0, Number(count) || 0);
  const pages = typeof getCurrentPages === 'function' ? getCurrentPages() : [];
  const tabBar = tabBarOf(pages[pages.length - 1]);
  if (tabBar && tabBar.setUnread) tabBar.setUnread(unreadCount);
}

function getUnreadBadge() {
  return unreadCount;
}

module.exports = { syncTabBar, setUnreadBadge, getUnreadBadge };
