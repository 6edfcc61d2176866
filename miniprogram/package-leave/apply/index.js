// 请假申请: type (with remaining balance), date range with half days, the server's live day quote
// (calendar warnings included), reason, an optional attachment uploaded after the request exists.
// With ?resubmit=<id> it is the 退回修改 screen: the returned request filled in, the approver's
// return comment on top, and 重新提交 sends the changes (POST /api/leave/requests/{id}/resubmit).
const leave = require('../../services/leave');
const { toast } = require('../../utils/wechat');
const { requestSubscriptions } = require('../../services/messages');
const approvals = require('../../services/approvals');
const { textSize } = require('../../utils/text-size');

const HALF_OPTIONS = [{ value: 'am', label: '上午' }, { value: 'pm', label: '下午' }];

function today() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

Component({
  behaviors: [textSize],
  data: {
    loading: true,
    typeOptions: [],
    types: {},
    form: { type: '', start: '', startHalf: 'am', end: '', endHalf: 'pm', reason: '' },
    halfOptions: HALF_OPTIONS,
    picker: '', // 'start' | 'end' while a date picker is open
    quote: null,
    quoting: false,
    quoteError: '',
    attachment: null, // {path, size}
    submitting: false,
    resubmitId: null, // 退回修改: the returned request being changed
    returnNote: null, // {who, comment, time} of the return
  },

  methods: {
    onLoad(query = {}) {
      this.quoteSeq = 0;
      const resubmitId = Number(query.resubmit) || null;
      if (resubmitId) {
        this.setData({ resubmitId });
        if (wx.setNavigationBarTitle) wx.setNavigationBarTitle({ title: '修改后重新提交' });
      }
      this.load();
    },

    // 退回修改: fill the form with the returned request and show why it came back.
    async loadReturned() {
      const req = await leave.fetchLeave(this.data.resubmitId);
      const inst = req.instance_id ? await approvals.fetchApproval(req.instance_id) : null;
      this.setData({
        form: { type: req.type, start: req.start, startHalf: req.start_half, end: req.end, endHalf: req.end_half, reason: req.reason || '' },
        returnNote: approvals.returnNote(inst),
        notReturned: req.status !== 'returned',
      });
      this.requote();
    },

    async load() {
      this.setData({ loading: true });
      try {
        const year = Number(today().slice(0, 4));
        const [types, balances] = await Promise.all([leave.fetchLeaveTypes(), leave.fetchBalances(year)]);
        const byCode = {};
        (balances || []).forEach((b) => { byCode[b.type_code] = b; });
        const map = {};
        const typeOptions = (types || []).map((t) => {
          const b = byCode[t.code];
          map[t.code] = { ...t, remaining: b ? b.remaining : null };
          const label = b ? `${t.name}（剩余 ${b.remaining} 天）` : t.name;
          return { value: t.code, label };
        });
        this.setData({ typeOptions, types: map });
        if (this.data.resubmitId) await this.loadReturned();
      } catch (e) {
        // the request layer showed the message
      } finally {
        this.setData({ loading: false });
      }
    },

    onTypeChange(e) {
      this.setData({ 'form.type': e.detail.value });
      this.requote();
    },

    onOpenPicker(e) {
      this.setData({ picker: e.currentTarget.dataset.which });
    },

    onClosePicker() {
      this.setData({ picker: '' });
    },

    onDateConfirm(e) {
      const which = e.currentTarget.dataset.which;
      const value = String(e.detail.value || '').slice(0, 10);
      const patch = { picker: '', [`form.${which}`]: value };
      // A new start later than the end moves the end along.
      if (which === 'start' && (!this.data.form.end || this.data.form.end < value)) patch['form.end'] = value;
      this.setData(patch);
      this.requote();
    },

    onHalfChange(e) {
      this.setData({ [`form.${e.currentTarget.dataset.field}`]: e.detail.value });
      this.requote();
    },

    onReasonChange(e) {
      this.setData({ 'form.reason': (e.detail && e.detail.value) || '' });
    },

    // Ask the server what the range costs; only the latest answer is shown.
    async requote() {
      const { type, start, startHalf, end, endHalf } = this.data.form;
      if (!type || !start || !end) return;
      this.quoteSeq += 1;
      const seq = this.quoteSeq;
      this.setData({ quoting: true, quoteError: '' });
      try {
        const quote = await leave.quoteLeave({ type, start, startHalf, end, endHalf });
        if (seq !== this.quoteSeq) return;
        this.setData({ quote });
      } catch (err) {
        if (seq !== this.quoteSeq) return;
        this.setData({ quote: null, quoteError: err.message });
      } finally {
        if (seq === this.quoteSeq) this.setData({ quoting: false });
      }
    },

    async onChooseAttachment() {
      const file = await leave.chooseAttachment();
      if (file) this.setData({ attachment: { path: file.tempFilePath, size: file.size || 0 } });
    },

    onRemoveAttachment() {
      this.setData({ attachment: null });
    },

    async onSubmit() {
      // `submitted`: a tap after success (while the redirect runs) never sends it again
      if (this.data.submitting || this.submitted) return;
      const { form, quote, attachment } = this.data;
      if (!form.type) { toast('请选择假期类型'); return; }
      if (!form.start || !form.end) { toast('请选择请假日期'); return; }
      if (!form.reason.trim()) { toast('请填写请假事由'); return; }
      if (quote && quote.attachment_required && !attachment) { toast('该假期需要上传证明材料'); return; }
      this.setData({ submitting: true });
      try {
        const { resubmitId } = this.data;
        const created = resubmitId
          ? await leave.resubmitLeave(resubmitId, { ...form, reason: form.reason.trim() })
          : await leave.submitLeave({ ...form, reason: form.reason.trim() });
        this.submitted = true;
        // A natural moment to ask for the result by WeChat (still inside the tap).
        await requestSubscriptions('leave_submitted');
        if (attachment) {
          try {
            await leave.uploadAttachment(created.id, attachment.path);
          } catch (err) {
            toast(`申请已提交，但附件上传失败：${err.message}`);
          }
        }
        wx.redirectTo({ url: `/package-leave/detail/index?id=${created.id}` });
      } catch (err) {
        // shown by the request layer (e.g. 年休假余额不足)
      } finally {
        this.setData({ submitting: false });
      }
    },
  },
});
