// 审批详情: what is asked (leave: type, dates, days, reason, warnings), the applicant's remaining
// balance and overlapping absences in the department (sent by the server with the subject), the steps and
// the timeline; approve / reject / return with a comment. The applicant of a returned request (退回修改)
// sees the return comment and resubmits with changes on the kind's own screen (leave: the apply
// page; 补卡: the month page; 加班: the overtime page); other kinds as they are through the engine.
const approvals = require('../../../services/approvals');
const leave = require('../../../services/leave');
const { toast } = require('../../../utils/wechat');
const { textSize } = require('../../../utils/text-size');

const GOAL_KINDS = ['appraisal_goals', 'appraisal_goal_change'];
// Kinds changed on their own screen before resubmitting (退回修改), by the subject's id.
const EDIT_SCREENS = {
  leave: (id) => `/package-leave/apply/index?resubmit=${id}`,
  makeup_punch: (id) => `/package-attendance/pages/month/index?resubmit=${id}`,
  overtime: (id) => `/package-leave/overtime/index?resubmit=${id}`,
};

Component({
  behaviors: [textSize],
  data: {
    id: null,
    inst: null,
    subject: null,
    steps: [],
    current: 0,
    timeline: [],
    balance: null, // {type_name, remaining} of the applicant, when visible
    overlapList: null, // null: not visible to this caller
    comment: '',
    goalSetId: null, // appraisal goals (appraisal_goals / appraisal_goal_change): the goal set to review item by item
    notice: '',
    acting: false,
    returnNote: null, // the applicant's view of a returned request: {who, comment, time}
    editable: false, // 退回修改 opens the kind's own screen (leave, 补卡, 加班)
  },

  methods: {
    onLoad(query) {
      this.setData({ id: Number(query.id) });
    },

    onShow() {
      this.load();
    },

    async load() {
      try {
        const inst = await approvals.fetchApproval(this.data.id);
        const subject = inst.subject && inst.kind === 'leave'
          ? { ...inst.subject, rangeText: leave.rangeText(inst.subject) } : inst.subject;
        this.setData({
          inst,
          subject,
          steps: approvals.stepsView(inst),
          current: approvals.currentStepIndex(inst),
          timeline: approvals.timelineView(inst),
          goalSetId: GOAL_KINDS.includes(inst.kind) && subject && subject.goal_set_id ? subject.goal_set_id : null,
          returnNote: inst.can && inst.can.resubmit ? (approvals.returnNote(inst) || { who: '', comment: '', time: '' }) : null,
          editable: Boolean(EDIT_SCREENS[inst.kind] && inst.subject_id),
        });
        if (inst.kind === 'leave' && subject) this.loadContext(inst, subject);
      } catch (err) {
        // shown by the request layer
      }
    },

    // The server adds the applicant's balance and the department's overlapping absences to
    // the subject for the people who may see this request; without them the card stays hidden.
    loadContext(inst, subject) {
      const b = subject.applicant_balance;
      const rows = subject.department_overlaps;
      this.setData({
        balance: b ? { type_name: b.type_name || subject.type_name, remaining: b.remaining } : null,
        overlapList: Array.isArray(rows)
          ? rows.map((r) => ({ id: r.id, text: `${r.staff.name} ${r.type_name} ${leave.rangeText(r)}（${r.status_label}）` }))
          : null,
      });
    },

    // Goals are reviewed item by item (a comment per item) on the appraisal subpackage's page.
    onOpenGoalReview() {
      wx.navigateTo({ url: `/package-appraisal/review-detail/index?goal_set_id=${this.data.goalSetId}` });
    },

    // 退回修改: leave, 补卡 and 加班 are changed on their own screens; other kinds go back
    // unchanged after a confirm.
    onResubmit() {
      const { inst, acting } = this.data;
      if (!inst || acting) return;
      if (EDIT_SCREENS[inst.kind] && inst.subject_id) {
        wx.navigateTo({ url: EDIT_SCREENS[inst.kind](inst.subject_id) });
        return;
      }
      wx.showModal({
        title: '重新提交',
        content: `将按原内容重新提交这条${inst.kind_title}，审批从第一步重新开始。如需改动内容，请撤回后重新申请。`,
        confirmText: '重新提交',
        success: (res) => { if (res && res.confirm) this.doResubmit(); },
      });
    },

    async doResubmit() {
      const { inst } = this.data;
      this.setData({ acting: true, notice: '' });
      try {
        await approvals.resubmit(inst.id);
        wx.showToast({ title: '已重新提交', icon: 'success' });
      } catch (err) {
        // shown by the request layer
      } finally {
        this.setData({ acting: false });
        await this.load();
      }
    },

    // A returned make-up / overtime whose content must change: withdraw it, then apply again.
    async onWithdraw() {
      const { inst, acting } = this.data;
      if (!inst || acting) return;
      this.setData({ acting: true, notice: '' });
      try {
        await approvals.act(inst.id, { action: 'withdraw', version: inst.version });
        wx.showToast({ title: '已撤回', icon: 'success' });
      } catch (err) {
        const words = approvals.describeActError(err);
        if (words) this.setData({ notice: words });
      } finally {
        this.setData({ acting: false });
        await this.load();
      }
    },

    onCommentChange(e) {
      this.setData({ comment: (e.detail && e.detail.value) || '' });
    },

    async onAct(e) {
      const action = e.currentTarget.dataset.action;
      const { inst, acting } = this.data;
      const comment = this.data.comment.trim();
      if (!inst || acting) return;
      if (action === 'reject' && !comment) { toast('驳回时请填写原因'); return; }
      this.setData({ acting: true, notice: '' });
      try {
        await approvals.act(inst.id, { action, comment, version: inst.version });
        wx.showToast({ title: { approve: '已同意', reject: '已驳回', return: '已退回' }[action] || '已处理', icon: 'success' });
        this.setData({ comment: '' });
      } catch (err) {
        const words = approvals.describeActError(err);
        if (words) this.setData({ notice: words });
      } finally {
        this.setData({ acting: false });
        await this.load();
      }
    },
  },
});
