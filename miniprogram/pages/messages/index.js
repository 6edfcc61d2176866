// 消息: the inbox — every notice, unread first marked; tap opens the page it is about and marks
// it read; 全部已读; a search bar finds a message by its title or text (debounced, works with
// 只看未读 and load-more). The unread count also feeds the home card and the tab bar badge.
const messages = require('../../services/messages');
const { withLoading, reloadOnPullDown } = require('../../utils/page');
const { setUnreadBadge } = require('../../utils/tab-bar');
const { textSize } = require('../../utils/text-size');
const { searchMethods, loadNextPage, unseen } = require('../../utils/list');

const PAGE_SIZE = 20;

Component({
  behaviors: [textSize],
  data: { loading: true, items: [], unread: 0, page: 1, more: false, errorText: '', onlyUnread: false, loadingMore: false, moreError: '', q: '', searched: '' },

  methods: {
    onLoad() {
      this.load();
    },

    onPullDownRefresh() {
      return reloadOnPullDown(this);
    },

    load() {
      return withLoading(this, async () => {
        this.seq = (this.seq || 0) + 1;
        const seq = this.seq;
        const q = this.data.q.trim();
        const body = await messages.fetchMessages({ page: 1, pageSize: PAGE_SIZE, unread: this.data.onlyUnread, q });
        if (seq !== this.seq) return;
        this.setData({ searched: q });
        this.show(body, 1, []);
      });
    },

    show(body, page, before) {
      const items = before.concat((body.data || []).map(messages.messageView));
      const unread = body.unread || 0;
      this.setData({ items, page, unread, more: items.length < (body.total || 0), errorText: '' });
      setUnreadBadge(unread);
    },

    // 加载更多 or scrolling to the bottom: the next page, one request at a time; 重试 after a failure.
    async onMore() {
      if (!this.data.more || this.data.loadingMore) return;
      await loadNextPage(this, (page) => messages.fetchMessages({ page, pageSize: PAGE_SIZE, unread: this.data.onlyUnread, q: this.data.searched, toast: false }), (body, page) => {
        this.show({ ...body, data: unseen(this.data.items, body) }, page, this.data.items);
      });
    },

    onReachBottom() {
      return this.onMore();
    },

    // The search bar (utils/list): a new search starts from an empty list.
    ...searchMethods(() => ({ items: [] })),

    onUnload() {
      this.stopSearch();
    },

    // 只看未读 / 全部
    onFilter(e) {
      const onlyUnread = e.currentTarget.dataset.unread === '1';
      if (onlyUnread === this.data.onlyUnread) return;
      this.setData({ onlyUnread, items: [] });
      this.load();
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
