// 团队 (leaders): today's board (已到 / 迟到 / 请假·出差 / 未到), who is away this week, the month's
// summary, and the way to 打卡复核. Read-only: the backend gives a leader these views for the
// departments they lead and those below (services/access.py LEADER_PERMISSIONS).
const team = require('../../services/team');
const { withLoading, reloadOnPullDown } = require('../../utils/page');
const { loadNextPage, unseen } = require('../../utils/list');

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
    page: 1,
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
      // A page of people still on its way from before this load is dropped (utils/list seq).
      this.seq = (this.seq || 0) + 1;
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
          page: 1,
          more: (report.people || []).length < (report.total || 0),
          moreError: '',
        });
        this.reportMonth = month;
        this.loadReviewCount();
      });
    },

    // The month's people, a page at a time (the team may be a whole bureau): utils/list's
    // loadNextPage (loadingMore, moreError and 重试), as 审批, 消息 and 我的申请 do.
    async onReachBottom() {
      if (!this.data.more || this.data.loadingMore || this.data.loading) return;
      await loadNextPage(this, (page) => team.fetchReport(this.reportMonth, { page }), (report, page) => {
        const rows = (report.people || []).map(team.reportRow);
        const people = this.data.people.concat(unseen(this.data.people, { data: rows }));
        this.setData({
          people,
          page,
          peopleTotal: report.total || people.length,
          more: people.length < (report.total || 0) && rows.length > 0,
        });
      });
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
