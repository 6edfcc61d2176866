// 审核目标: the version under review item by item, a comment box per item and an overall
// comment; 同意 / 退回修改 (a comment required: overall or on an item) / 驳回 (change requests).
// Also opened from the 审批 tab's detail for kinds appraisal_goals / appraisal_goal_change.
const apr = require('../../services/appraisal');
const approvals = require('../../services/approvals');
const { loadInPlace } = require('../../utils/page');

const DONE = { approve: '已同意', return: '已退回修改', reject: '已驳回' };

Component({
  data: {
    loading: true,
    errorText: '',
    goalSetId: null,
    gs: null,
    version: null,
    items: [],
    steps: [],
    current: 0,
    comments: {},
    comment: '',
    isChange: false,
    notice: '',
    noticeError: false,
    acting: false,
  },

  methods: {
    onLoad(query) {
      this.setData({ goalSetId: Number(query.goal_set_id) });
      this.load();
    },

    load() {
      return loadInPlace(this, async () => {
        const gs = await apr.fetchGoalSet(this.data.goalSetId);
        const v = gs.current || gs.confirmed;
        this.setData({
          gs,
          version: v,
          items: (v ? v.items : []).map(apr.itemView),
          steps: gs.approval ? approvals.stepsView(gs.approval) : [],
          current: gs.approval ? approvals.currentStepIndex(gs.approval) : 0,
          isChange: !!(v && v.kind === 'change'),
        });
      }, apr.errorText);
    },

    onRetry() { this.load(); },

    onItemComment(e) {
      this.setData({ [`comments.${e.currentTarget.dataset.key}`]: (e.detail && e.detail.value) || '' });
    },

    onComment(e) {
      this.setData({ comment: (e.detail && e.detail.value) || '' });
    },

    onOpenHistory() {
      wx.navigateTo({ url: `/package-appraisal/history/index?goal_set_id=${this.data.gs.id}` });
    },

    async onDecide(e) {
      const decision = e.currentTarget.dataset.decision;
      const { gs, comments, comment, acting } = this.data;
      if (!gs || acting) return;
      const anyItem = Object.keys(comments).some((k) => String(comments[k] || '').trim());
      if (decision !== 'approve' && !comment.trim() && !anyItem) {
        this.setData({ notice: decision === 'return' ? '退回修改时请填写意见（整体意见或逐项意见）' : '驳回时请填写意见', noticeError: true });
        return;
      }
      this.setData({ acting: true, notice: '' });
      try {
        await apr.reviewGoals(gs.id, { decision, comment, comments, version: gs.version });
        this.setData({ notice: DONE[decision], noticeError: false, comments: {}, comment: '' });
        await this.load();
      } catch (err) {
        this.setData({ notice: apr.errorText(err), noticeError: true });
        if (['APPRAISAL_GOALS_STALE', 'APPROVAL_NOT_ASSIGNEE', 'APPRAISAL_NOT_UNDER_REVIEW', 'APPROVAL_ALREADY_ACTED'].includes(err.code)) await this.load();
      } finally {
        this.setData({ acting: false });
      }
    },
  },
});
