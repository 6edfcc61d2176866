// Custom tab bar (TDesign t-tab-bar); tabs come from ./data.js.
const list = require('./data');

Component({
  data: { active: 0, list, unread: 0 },

  methods: {
    onChange(e) {
      const index = Number(e.detail.value);
      this.setData({ active: index });
      wx.switchTab({ url: list[index].url });
    },

    // Unread messages: a badge on the 首页 tab (utils/tab-bar.js setUnreadBadge).
    setUnread(count) {
      if (count !== this.data.unread) this.setData({ unread: count });
    },

    // Pages call this in onShow so the highlighted tab follows the page.
    init() {
      const pages = getCurrentPages();
      const page = pages[pages.length - 1];
      const route = page ? `/${page.route}` : '';
      const index = list.findIndex((item) => item.url === route);
      if (index >= 0 && index !== this.data.active) this.setData({ active: index });
    },
  },
});
