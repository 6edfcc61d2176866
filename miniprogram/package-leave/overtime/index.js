// 加班申请: date, hours (half-hour steps), reason. Approved hours become 调休 balance.
// With ?resubmit=<id> it is the 退回修改 screen: the returned request filled in, the approver's
// return comment on top, and 重新提交 sends the changes (POST /api/overtime/requests/{id}/resubmit).
const leave = require('../../services/leave');
const approvals = require('../../services/approvals');
const { toast } = require('../../utils/wechat');
const { textSize } = require('../../utils/text-size');

Component({
  behaviors: [textSize],
  data: {
    form: { date: '', hours: 2, reason: '' },
    pickerVisible: false,
    submitting: false,
    recent: [],
    resubmitId: null, // 退回修改: the returned request being changed
    instanceId: null,
    returnNote: null, // {who, comment, time} of the return
    notReturned: false,
  },

  methods: {
    onLoad(query = {}) {
      const resubmitId = Number(query.resubmit) || null;
      if (resubmitId) {
        this.setData({ resubmitId });
        if (wx.setNavigationBarTitle) wx.setNavigationBarTitle({ title: '修改后重新提交' });
        this.loadReturned();
        return;
      }
      this.loadRecent();
    },

    // 退回修改: fill the form with the returned request and show why it came back.
    async loadReturned() {
      try {
        const o = await leave.fetchOvertime(this.data.resubmitId);
        const inst = o.instance_id ? await approvals.fetchApproval(o.instance_id) : null;
        this.setData({
          form: { date: o.date, hours: o.hours, reason: o.reason || '' },
          instanceId: o.instance_id,
          returnNote: approvals.returnNote(inst),
          notReturned: o.status !== 'returned',
        });
      } catch (e) {
        // shown by the request layer
      }
    },

    async loadRecent() {
      try {
        const rows = await leave.fetchMyOvertime();
        this.setData({ recent: (rows || []).slice(0, 5) });
      } catch (e) {
        // shown by the request layer
      }
    },

    // A returned request in the recent list opens this screen in 退回修改 mode.
    onOpenRecent(e) {
      const { id, status } = e.currentTarget.dataset;
      if (status === 'returned') wx.navigateTo({ url: `/package-leave/overtime/index?resubmit=${id}` });
    },

    onOpenPicker() { this.setData({ pickerVisible: true }); },
    onClosePicker() { this.setData({ pickerVisible: false }); },

    onDateConfirm(e) {
      this.setData({ pickerVisible: false, 'form.date': String(e.detail.value || '').slice(0, 10) });
    },

    onHoursChange(e) {
      this.setData({ 'form.hours': Number(e.detail.value) });
    },

    onReasonChange(e) {
      this.setData({ 'form.reason': (e.detail && e.detail.value) || '' });
    },

    async onSubmit() {
      // After a successful resubmit the page is on its way out: a second tap sends nothing.
      if (this.data.submitting || this.data.notReturned || this.resubmitted) return;
      const { date, hours, reason } = this.data.form;
      if (!date) { toast('请选择加班日期'); return; }
      if (!(hours > 0)) { toast('请填写加班时长'); return; }
      if (!reason.trim()) { toast('请填写加班事由'); return; }
      this.setData({ submitting: true });
      try {
        const { resubmitId } = this.data;
        if (resubmitId) {
          const o = await leave.resubmitOvertime(resubmitId, { date, hours, reason: reason.trim() });
          this.resubmitted = true;
          wx.showToast({ title: '已重新提交', icon: 'success' });
          wx.redirectTo({ url: `/pages/approvals/detail/index?id=${(o && o.instance_id) || this.data.instanceId}` });
          return;
        }
        await leave.submitOvertime({ date, hours, reason: reason.trim() });
        wx.showToast({ title: '已提交，等待审批', icon: 'success' });
        this.setData({ form: { date: '', hours: 2, reason: '' } });
        this.loadRecent();
      } catch (err) {
        // shown by the request layer
      } finally {
        this.setData({ submitting: false });
      }
    },
  },
});
