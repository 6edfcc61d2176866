// 消息: the inbox — every notice, unread first marked; tap opens the page it is about and marks
// it read; 全部已读. The unread count also feeds the home card and the tab bar badge.
const messages = require('../../services/messages');
const { withLoading, reloadOnPullDown } = require('../../utils/page');
const { setUnreadBadge } = require('../../utils/tab-bar');

const PAGE_SIZE = 20;

Component({
  data: { loading: true, items: [], unread: 0, page: 1, more: false, errorText: '' },

  methods: {
    onLoad() {
      this.load();
    },

    onPullDownRefresh() {
      return reloadOnPullDown(this);
    },

    load() {
      return withLoading(this, async () => {
        const body = await messages.fetchMessages({ page: 1, pageSize: PAGE_SIZE });
        this.show(body, 1, []);
      });
    },

    show(body, page, before) {
      const items = before.concat((body.data || []).map(messages.messageView));
      const unread = body.unread || 0;
      this.setData({ items, page, unread, more: items.length < (body.total || 0), errorText: '' });
      setUnreadBadge(unread);
    },

    async onMore() {
      const page = this.data.page + 1;
      const body = await messages.fetchMessages({ page, pageSize: PAGE_SIZE });
      this.show(body, page, this.data.items);
    },

    async onOpen(e) {
      const index = Number(e.currentTarget.dataset.index);
      const item = this.data.items[index];
      if (!item) return;
      if (!item.read) {
        this.setData({ [`items[${index}].read`]: true, unread: Math.max(0, this.data.unread - 1) });
        setUnreadBadge(this.data.unread);
        try {
          await messages.markRead(item.id);
        } catch (err) {
          // shown by the request layer; the next refresh shows the truth
        }
      }
      messages.openLink(item.link);
    },

    async onReadAll() {
      try {
        await messages.markAllRead();
      } catch (err) {
        return;
      }
      this.setData({ items: this.data.items.map((m) => ({ ...m, read: true })), unread: 0 });
      setUnreadBadge(0);
    },
  },
});
