// 团队 (leaders): today's board (已到 / 迟到 / 请假·出差 / 未到), who is away this week, the month's
// summary, and the way to 打卡复核. Read-only: the backend gives a leader these views for the
// departments they lead and those below (services/access.py LEADER_PERMISSIONS).
const team = require('../../services/team');
const { withLoading, reloadOnPullDown } = require('../../utils/page');

Component({
  data: {
    loading: true,
    errorText: '',
    date: '',
    total: 0,
    groups: [],
    week: '',
    away: [],
    month: '',
    summary: [],
    people: [],
    peopleTotal: 0,
    more: false,
    loadingMore: false,
    moreError: '',
    reviewCount: 0,
  },

  methods: {
    onLoad() {
      this.load();
    },

    onShow() {
      // Back from 打卡复核: the count may have changed.
      if (this.loaded) this.loadReviewCount();
    },

    onPullDownRefresh() {
      return reloadOnPullDown(this);
    },

    now() {
      return new Date();
    },

    load() {
      return withLoading(this, async () => {
        const now = this.now();
        const range = team.weekRange(now);
        const month = team.monthOf(now);
        const [board, leave, report] = await Promise.all([
          team.fetchBoard(), team.fetchTeamLeave(Number(range[0].slice(0, 4))), team.fetchReport(month),
        ]);
        let requests = leave || [];
        if (range[1].slice(0, 4) !== range[0].slice(0, 4)) {
          // A week across New Year: next year's requests too.
          requests = requests.concat((await team.fetchTeamLeave(Number(range[1].slice(0, 4)))) || []);
        }
        this.loaded = true;
        this.setData({
          errorText: '',
          date: board.date,
          total: board.total,
          groups: team.boardGroups(board),
          week: `${range[0].slice(5)} 至 ${range[1].slice(5)}`,
          away: team.awayThisWeek(requests, range),
          month: `${month.slice(0, 4)}年${Number(month.slice(5))}月`,
          summary: team.monthSummary(report),
          people: (report.people || []).map(team.reportRow),
          peopleTotal: report.total || 0,
          more: (report.people || []).length < (report.total || 0),
          moreError: '',
        });
        this.reportMonth = month;
        this.reportPage = 1;
        this.loadReviewCount();
      });
    },

    // The month's people, a page at a time (the team may be a whole bureau).
    async onReachBottom() {
      if (!this.data.more || this.data.loadingMore || this.data.loading) return;
      this.setData({ loadingMore: true, moreError: '' });
      try {
        const page = this.reportPage + 1;
        const report = await team.fetchReport(this.reportMonth, { page });
        const people = this.data.people.concat((report.people || []).map(team.reportRow));
        this.reportPage = page;
        this.setData({
          people,
          peopleTotal: report.total || people.length,
          more: people.length < (report.total || 0) && (report.people || []).length > 0,
        });
      } catch (err) {
        this.setData({ moreError: err.message || '加载失败' });
      } finally {
        this.setData({ loadingMore: false });
      }
    },

    async loadReviewCount() {
      try {
        const body = await team.fetchReviewQueue('pending');
        this.setData({ reviewCount: (body || []).length });
      } catch (e) {
        // the entry stays without a count
      }
    },

    onOpenReview() {
      wx.navigateTo({ url: '/package-team/review/index' });
    },

    onRetry() {
      this.load();
    },
  },
});
