// 加班申请: date, hours (half-hour steps), reason. Approved hours become 调休 balance.
const leave = require('../../services/leave');
const { toast } = require('../../utils/wechat');
const { textSize } = require('../../utils/text-size');

Component({
  behaviors: [textSize],
  data: {
    form: { date: '', hours: 2, reason: '' },
    pickerVisible: false,
    submitting: false,
    recent: [],
  },

  methods: {
    onLoad() {
      this.loadRecent();
    },

    async loadRecent() {
      try {
        const rows = await leave.fetchMyOvertime();
        this.setData({ recent: (rows || []).slice(0, 5) });
      } catch (e) {
        // shown by the request layer
      }
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
      if (this.data.submitting) return;
      const { date, hours, reason } = this.data.form;
      if (!date) { toast('请选择加班日期'); return; }
      if (!(hours > 0)) { toast('请填写加班时长'); return; }
      if (!reason.trim()) { toast('请填写加班事由'); return; }
      this.setData({ submitting: true });
      try {
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
