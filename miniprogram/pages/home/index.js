// 首页: who I am, summary cards (filled by later issues), and scan-to-sign-in for the console.
const { fetchHome } = require('../../services/home');
const { parseAdminLoginQr } = require('../../services/auth');
const { scanCode, toast } = require('../../utils/wechat');
const { syncTabBar, setUnreadBadge } = require('../../utils/tab-bar');
const { fetchWaitingCount } = require('../../services/approvals');
const { clockText } = require('../../services/attendance');
const { withLoading, reloadOnPullDown } = require('../../utils/page');
const { fetchMyCycles } = require('../../services/appraisal');
const { fetchMySheets, fetchMyResult } = require('../../services/appraisal-scoring');
const { textSize } = require('../../utils/text-size');

const GOAL_SET_LABELS = { draft: '目标未提交', submitted: '目标审核中', returned: '目标被退回', confirmed: '目标已确认' };

// The 考核 tile: shown only to someone taking part in a cycle (GET /api/appraisal/my/cycles), or
// when /api/home's goals card says something real ("暂无" is its placeholder).
function goalsTile(cycles, card) {
  const c = cycles && cycles[0];
  if (c) {
    const gs = c.goal_set;
    const state = gs ? (gs.change_pending ? '目标变更审核中' : GOAL_SET_LABELS[gs.status] || '') : '';
    return {
      text: [c.current_phase_label || c.status_label, state].filter(Boolean).join(' · '),
      url: c.link || `/package-appraisal/goals/index?cycle_id=${c.id}`,
    };
  }
  if (card && card.text && card.text !== '暂无') return { text: card.text, url: '/package-appraisal/goals/index' };
  return null;
}

// The 考核评分 tile: only for a rater with sheets (GET /api/appraisal/my/sheets, recused ones not
// listed); the count still to score, or that all are submitted.
function scoringTile(sheets) {
  if (!sheets || !sheets.length) return null;
  const todo = sheets.filter((x) => x.status === 'pending' || x.status === 'draft');
  const c = (todo[0] || sheets[0]).cycle;
  return {
    text: todo.length ? `待评分 ${todo.length} 人` : '已全部提交',
    url: `/package-appraisal/score/index${c ? `?cycle_id=${c.id}` : ''}`,
  };
}

// Whether a cycle's result may be out: /api/appraisal/my/cycles does not say, so my-result is asked
// only once scoring has begun (or the cycle is closed) — one quiet request, 409 before publication.
function resultMayBeOut(c) {
  if (!c) return false;
  if (c.status === 'closed') return true;
  const scoring = (c.phases || []).find((p) => p.phase === 'scoring');
  return !!scoring && scoring.state !== 'not_started';
}

// The attendance card from /api/home ({status, text, punches, last_at}) as one line:
// 未打卡 / 已打卡 08:36 · 迟到 6 分钟 / 休息日 / 年休假 ...
function attendanceText(card) {
  if (!card) return '';
  if (card.punches && card.last_at) {
    const extra = ['normal', 'pending'].includes(card.status) || !card.text ? '' : ` · ${card.text}`;
    return `已打卡 ${clockText(card.last_at).slice(0, 5)}${extra}`;
  }
  if (['pending', 'missing', 'absent'].includes(card.status)) return '未打卡';
  return card.text || '';
}

const EMPTY_CARDS = { attendance: {}, approvals: {}, goals: {}, messages: {} };

Component({
  behaviors: [textSize],
  data: {
    loading: true,
    me: null,
    initial: '',
    cards: EMPTY_CARDS,
    errorText: '',
    goals: null, // {text, url} of the 考核 tile, null: hidden
    scoring: null, // {text, url} of the 考核评分 tile (raters), null: hidden
    result: null, // {text, url} of the 我的考核结果 tile (once published), null: hidden
  },

  methods: {
    onLoad() {
      this.load();
    },

    onShow() {
      syncTabBar(this);
    },

    onPullDownRefresh() {
      return reloadOnPullDown(this);
    },

    load() {
      return withLoading(this, async () => {
        const data = await fetchHome();
        const me = data.me || null;
        const cards = { ...EMPTY_CARDS, ...(data.cards || {}) };
        cards.attendance = { ...cards.attendance, text: attendanceText(cards.attendance) };
        this.setData({
          me,
          initial: me && me.name ? me.name.slice(-1) : '',
          cards,
          errorText: '',
          goals: goalsTile(null, cards.goals),
        });
        setUnreadBadge(cards.messages.unread || 0);
        if (me) this.loadWaitingCount();
        if (me) this.loadGoals(cards.goals);
        if (me) this.loadScoring();
      });
    },

    // The approvals card opens the inbox; its count comes from /api/approvals/count after /api/home.
    onOpenApprovals() {
      wx.switchTab({ url: '/pages/approvals/index' });
    },

    onOpenLink(e) {
      wx.navigateTo({ url: e.currentTarget.dataset.url });
    },

    async loadWaitingCount() {
      try {
        const data = await fetchWaitingCount();
        if (data && typeof data.waiting === 'number') this.setData({ 'cards.approvals.waiting': data.waiting });
      } catch (e) {
        // the card keeps what /api/home said
      }
    },

    async loadGoals(card) {
      try {
        const cycles = await fetchMyCycles();
        this.setData({ goals: goalsTile(cycles, card) });
        this.loadResult(cycles[0]);
      } catch (e) {
        // the tile keeps what /api/home said (hidden when nothing)
      }
    },

    async loadScoring() {
      try {
        this.setData({ scoring: scoringTile(await fetchMySheets()) });
      } catch (e) {
        // no tile
      }
    },

    async loadResult(cycle) {
      if (!resultMayBeOut(cycle)) return;
      try {
        const r = await fetchMyResult(cycle.id);
        const pub = r.publication && r.publication.state === 'publishing' ? ' · 公示中' : '';
        this.setData({ result: { text: `${r.effective_grade_label || r.grade_label || '已公示'}${pub}`, url: `/package-appraisal/result/index?cycle_id=${cycle.id}` } });
      } catch (e) {
        // not yet published (409) or unavailable: no tile
      }
    },

    onOpenScoring() {
      if (this.data.scoring) wx.navigateTo({ url: this.data.scoring.url });
    },

    onOpenResult() {
      if (this.data.result) wx.navigateTo({ url: this.data.result.url });
    },

    onOpenGoals() {
      if (this.data.goals) wx.navigateTo({ url: this.data.goals.url });
    },

    // The messages card opens the inbox.
    onOpenMessages() {
      wx.navigateTo({ url: '/pages/messages/index' });
    },

    // The attendance card opens 打卡.
    onOpenAttendance() {
      wx.switchTab({ url: '/pages/attendance-clock/index' });
    },

    async onScanAdminLogin() {
      const text = await scanCode();
      if (!text) return;
      const sid = parseAdminLoginQr(text);
      if (!sid) {
        toast('这不是明镜管理后台的登录二维码');
        return;
      }
      wx.navigateTo({ url: `/pages/admin-login-confirm/index?sid=${encodeURIComponent(sid)}` });
    },
  },
});
