// 打卡复核 (leaders, and HR): the team's flagged and field punches waiting for review, each with
// 认可 / 不认可 and a note. Opened from 团队 and from the 外勤打卡 notice (?punch= puts that punch
// first). The backend decides who may: a leader for the departments they lead and below, never
// for their own punch (403 SELF_ENTITLEMENT_CHANGE, shown in words).
const team = require('../../services/team');
const { withLoading, reloadOnPullDown } = require('../../utils/page');

const DONE_TEXT = { accepted: '已认可', rejected: '未认可' };

Component({
  data: {
    loading: true,
    errorText: '',
    rows: [],
    notes: {},     // punch id -> note being typed
    errors: {},    // punch id -> refusal shown beside the punch
    done: {},      // punch id -> '已认可' / '未认可' after this visit's decision
    focus: 0,
  },

  methods: {
    onLoad(query) {
      this.setData({ focus: Number((query && query.punch) || 0) });
      this.load();
    },

    onPullDownRefresh() {
      return reloadOnPullDown(this);
    },

    load() {
      return withLoading(this, async () => {
        const rows = ((await team.fetchReviewQueue('pending')) || []).map(team.reviewRow);
        const focus = this.data.focus;
        rows.sort((a, b) => (b.id === focus) - (a.id === focus));
        this.setData({ rows, errorText: '', errors: {}, done: {} });
      });
    },

    onNote(e) {
      this.setData({ [`notes.${e.currentTarget.dataset.id}`]: e.detail.value });
    },

    onAccept(e) {
      return this.decide(Number(e.currentTarget.dataset.id), 'accept');
    },

    onReject(e) {
      return this.decide(Number(e.currentTarget.dataset.id), 'reject');
    },

    async decide(id, decision) {
      const note = (this.data.notes[id] || '').trim();
      if (decision === 'reject' && !note) {
        this.setData({ [`errors.${id}`]: '不认可时请填写说明，本人会看到' });
        return;
      }
      this.setData({ [`errors.${id}`]: '' });
      try {
        const p = await team.reviewPunch(id, decision, note);
        this.setData({ [`done.${id}`]: DONE_TEXT[p.review_status] || '已复核' });
      } catch (err) {
        if (err.code === 'PUNCH_NOT_PENDING' || err.code === 'PUNCH_NOT_FOUND') {
          this.setData({ [`done.${id}`]: '已由他人复核' });
        } else {
          this.setData({ [`errors.${id}`]: err.message });
        }
      }
    },

    onRetry() {
      this.load();
    },
  },
});
