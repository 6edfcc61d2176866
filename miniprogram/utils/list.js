// Shared plumbing of a paged list page with a search bar (审批, 消息).
// The page keeps `data.q` (what the search bar holds), `data.searched` (what the rows shown were
// searched for), `data.page`, `data.loadingMore`, `data.moreError`, and a `seq` bumped by its
// `load()` (the first page) so that a late answer for an older search or filter is dropped.

const SEARCH_DELAY = 300; // ms after the last keystroke

// Methods for the search bar: typing searches after a pause; the keyboard's 搜索 and the clear
// button at once. `reset()` gives the data set before the first page is loaded again (e.g. no rows).
// The page calls `stopSearch()` when it is hidden or unloaded.
function searchMethods(reset) {
  return {
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
      this.setData(reset());
      this.load();
    },

    stopSearch() {
      clearTimeout(this.searchTimer);
    },
  };
}

// The next page (the caller checks there is one and none is loading): `fetchPage(n)` asks for
// page n without a toast; `show(body, n)` adds its rows unless a newer load() came meanwhile.
// A failure is kept in `moreError` (the page offers 重试).
async function loadNextPage(page, fetchPage, show) {
  const seq = page.seq;
  const next = page.data.page + 1;
  page.setData({ loadingMore: true, moreError: '' });
  try {
    const body = await fetchPage(next);
    if (seq !== page.seq) return;
    show(body, next);
  } catch (err) {
    page.setData({ moreError: err.message || '加载失败' });
  } finally {
    page.setData({ loadingMore: false });
  }
}

// The rows of `body` not already in `rows` (by id): a row may move between pages meanwhile.
function unseen(rows, body) {
  const known = new Set(rows.map((r) => r.id));
  return ((body && body.data) || []).filter((r) => !known.has(r.id));
}

module.exports = { SEARCH_DELAY, searchMethods, loadNextPage, unseen };
