// 请假详情: the request, its approval steps (t-steps) and timeline; withdraw while pending,
// report back (销假) once approved and not yet over; when returned (退回修改), the return comment
// and 修改后重新提交 (the apply page in resubmit mode).
const leave = require('../../services/leave');
const approvals = require('../../services/approvals');
const { withLoading } = require('../../utils/page');
const { toast } = require('../../utils/wechat');
const { textSize } = require('../../utils/text-size');

function todayStr() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

Component({
  behaviors: [textSize],
  data: {
    id: null,
    loading: true,
    req: null,
    inst: null,
    steps: [],
    current: 0,
    timeline: [],
    notice: '',
    canReportBack: false,
    backOpen: false,
    back: { date: '', half: 'am' },
    halfOptions: [{ value: 'am', label: '上午' }, { value: 'pm', label: '下午' }],
    pickerVisible: false,
    acting: false,
    returnNote: null, // {who, comment, time} when the request was returned to me
  },

  methods: {
    onLoad(query) {
      this.setData({ id: Number(query.id) });
    },

    onShow() {
      this.load();
    },

    // A failure is shown by the request layer.
    load() {
      return withLoading(this, async () => {
        const req = await leave.fetchLeave(this.data.id);
        let inst = null;
        if (req.instance_id) inst = await approvals.fetchApproval(req.instance_id);
        this.setData({
          req: { ...req, rangeText: leave.rangeText(req), theme: leave.STATUS_THEME[req.status] || 'default' },
          inst,
          steps: inst ? approvals.stepsView(inst) : [],
          current: inst ? approvals.currentStepIndex(inst) : 0,
          timeline: inst ? approvals.timelineView(inst) : [],
          canReportBack: req.status === 'approved' && !req.reported_back_at && todayStr() <= req.end,
          returnNote: req.status === 'returned' ? (approvals.returnNote(inst) || { who: '', comment: '', time: '' }) : null,
        });
      }, { quiet: true });
    },

    async onWithdraw() {
      const { inst } = this.data;
      if (!inst || this.data.acting) return;
      this.setData({ acting: true });
      try {
        await approvals.act(inst.id, { action: 'withdraw', version: inst.version });
        wx.showToast({ title: '已撤回', icon: 'success' });
        this.setData({ notice: '' });
      } catch (err) {
        const words = approvals.describeActError(err);
        if (words) this.setData({ notice: words });
      } finally {
        this.setData({ acting: false });
        await this.load();
      }
    },

    onResubmit() {
      wx.navigateTo({ url: `/package-leave/apply/index?resubmit=${this.data.id}` });
    },

    onOpenReportBack() {
      const { req } = this.data;
      const t = todayStr();
      const date = t < req.start ? req.start : t;
      this.setData({ backOpen: true, back: { date, half: 'am' } });
    },

    onCloseReportBack() { this.setData({ backOpen: false }); },
    onOpenPicker() { this.setData({ pickerVisible: true }); },
    onClosePicker() { this.setData({ pickerVisible: false }); },

    onBackDate(e) {
      this.setData({ pickerVisible: false, 'back.date': String(e.detail.value || '').slice(0, 10) });
    },

    onBackHalf(e) {
      this.setData({ 'back.half': e.detail.value });
    },

    async onConfirmReportBack() {
      if (this.data.acting) return;
      const { back, req } = this.data;
      if (!back.date) { toast('请选择返岗日期'); return; }
      this.setData({ acting: true });
      try {
        const updated = await leave.reportBack(req.id, back);
        const returned = Math.round(((updated.original_days || req.days) - updated.days) * 100) / 100;
        this.setData({ backOpen: false, notice: `已销假，${returned > 0 ? `退回 ${returned} 天` : '未退回天数'}` });
        await this.load();
      } catch (err) {
        // shown by the request layer
      } finally {
        this.setData({ acting: false });
      }
    },
  },
});
