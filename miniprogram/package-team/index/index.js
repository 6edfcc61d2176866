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
        });
        this.loadReviewCount();
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
