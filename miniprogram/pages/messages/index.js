// 消息: the inbox — every notice, unread first marked; tap opens the page it is about and marks
// it read; 全部已读; a search bar finds a message by its title or text (debounced, works with
// 只看未读 and load-more). The unread count also feeds the home card and the tab bar badge.
const messages = require('../../services/messages');
const { withLoading, reloadOnPullDown } = require('../../utils/page');
const { setUnreadBadge } = require('../../utils/tab-bar');
const { textSize } = require('../../utils/text-size');

const PAGE_SIZE = 20;
const SEARCH_DELAY = 300; // ms after the last keystroke

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
      const seq = this.seq;
      const page = this.data.page + 1;
      this.setData({ loadingMore: true, moreError: '' });
      try {
        const body = await messages.fetchMessages({ page, pageSize: PAGE_SIZE, unread: this.data.onlyUnread, q: this.data.searched, toast: false });
        if (seq !== this.seq) return;
        const known = new Set(this.data.items.map((m) => m.id));
        this.show({ ...body, data: (body.data || []).filter((m) => !known.has(m.id)) }, page, this.data.items);
      } catch (err) {
        this.setData({ moreError: err.message || '加载失败' });
      } finally {
        this.setData({ loadingMore: false });
      }
    },

    onReachBottom() {
      return this.onMore();
    },

    // Typing searches after a pause; the keyboard's 搜索 and the clear button at once.
    onSearchInput(e) {
      const q = (e.detail && e.detail.value) || '';
      this.setData({ q });
      clearTimeout(this.searchTimer);
      this.searchTimer = setTimeout(() => this.search(), SEARCH_DELAY);
    },

    onSearchConfirm() {
      clearTimeout(this.searchTimer);
      this.search();
    },

    onSearchClear() {
      clearTimeout(this.searchTimer);
      this.setData({ q: '' });
      this.search();
    },

    search() {
      if (this.data.q.trim() === this.data.searched) return;
      this.setData({ items: [] });
      this.load();
    },

    onUnload() {
      clearTimeout(this.searchTimer);
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
