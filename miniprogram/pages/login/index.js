// 登录与绑定: wx.login → /api/auth/wechat; if unbound, bind by phone or invite QR;
// a phone conflict is explained in plain words and can become a binding request.
const config = require('../../config');
const session = require('../../utils/session');
const { scanCode, toast } = require('../../utils/wechat');
const auth = require('../../services/auth');
const binding = require('../../services/binding');
const { textSize } = require('../../utils/text-size');

const HOME = '/pages/home/index';

Component({
  behaviors: [textSize],
  data: {
    state: 'loading', // loading | unbound | conflict | failed | signedOut
    errorText: '',
    binding: false,
    submitting: false,
    hasRequests: false,
    conflict: null, // {code, kind, title, text, phoneMasked}
    form: { name: '', employeeNo: '', note: '' },
    devLogin: !!config.devLogin,
    devEmployeeNo: '',
  },

  methods: {
    onLoad() {
      if (session.getToken()) {
        this.goHome();
        return;
      }
      if (session.isSignedOut()) {
        this.setData({ state: 'signedOut' });
        return;
      }
      this.login();
    },

    async login() {
      this.setData({ state: 'loading' });
      try {
        const data = await auth.loginWithWechat();
        if (data.status === 'bound') {
          this.goHome();
          return;
        }
        this.setData({ state: 'unbound' });
        this.checkRequests();
      } catch (err) {
        this.setData({ state: 'failed', errorText: (err && err.message) || '请检查网络后重试' });
      }
    },

    onRetry() {
      session.clearSignedOut();
      this.login();
    },

    goHome() {
      wx.reLaunch({ url: HOME });
    },

    ticket() {
      const saved = session.getTicket();
      return saved ? saved.ticket : '';
    },

    // Show the "progress" link when this WeChat already filed a request.
    async checkRequests() {
      const ticket = this.ticket();
      if (!ticket) return;
      try {
        const list = await binding.fetchBindingRequests(ticket, { toast: false });
        this.setData({ hasRequests: Array.isArray(list) && list.length > 0 });
      } catch (e) {
        // the link is a convenience; stay quiet
      }
    },

    async onPhoneNumber(e) {
      const code = e && e.detail && e.detail.code;
      if (!code) {
        toast('需要授权手机号才能绑定，也可以扫描邀请二维码');
        return;
      }
      if (this.data.binding) return;
      this.setData({ binding: true });
      try {
        await binding.bindByPhone({ ticket: this.ticket(), phoneCode: code });
        this.goHome();
      } catch (err) {
        if (binding.CONFLICT_CODES.includes(err.code)) this.showConflict(err);
        else if (this.ticketGone(err)) this.login();
      } finally {
        this.setData({ binding: false });
      }
    },

    showConflict(err) {
      const fields = err.fields || {};
      const kind = fields.conflict || binding.CONFLICT_KINDS[err.code];
      const words = binding.describeConflict(kind, fields.phone_masked);
      this.setData({
        state: 'conflict',
        conflict: {
          code: err.code, kind, title: words.title, text: words.text, phoneMasked: fields.phone_masked || '', canRequest: words.canRequest,
        },
      });
    },

    async onScanInvite() {
      const invite = await scanCode();
      if (!invite) return;
      try {
        await binding.bindByInvite({ ticket: this.ticket(), invite });
        this.goHome();
      } catch (err) {
        // conflicts are explained on the page; other errors were toasted by the request layer
        if (binding.CONFLICT_CODES.includes(err.code)) this.showConflict(err);
        else if (this.ticketGone(err)) this.login();
      }
    },

    // The binding ticket is short-lived; when the backend no longer accepts it, get a new one.
    ticketGone(err) {
      return !!err && (err.status === 401 || /TICKET/.test(err.code || ''));
    },

    onFieldChange(e) {
      const field = e.currentTarget.dataset.field;
      this.setData({ [`form.${field}`]: (e.detail && e.detail.value) || '' });
    },

    async onSubmitRequest() {
      if (this.data.submitting) return;
      const { form, conflict } = this.data;
      const name = (form.name || '').trim();
      if (!name) {
        toast('请填写姓名');
        return;
      }
      this.setData({ submitting: true });
      try {
        const created = await binding.submitBindingRequest({
          ticket: this.ticket(),
          conflict: conflict.kind,
          name,
          employeeNo: (form.employeeNo || '').trim(),
          note: (form.note || '').trim(),
        });
        this.setData({ hasRequests: true });
        wx.navigateTo({ url: `/pages/binding-request/index?id=${created.id}` });
      } catch (err) {
        // toast shown by the request layer
      } finally {
        this.setData({ submitting: false });
      }
    },

    onBackToBind() {
      this.setData({ state: 'unbound', conflict: null });
    },

    onOpenRequests() {
      wx.navigateTo({ url: '/pages/binding-request/index' });
    },

    onDevEmployeeNoChange(e) {
      this.setData({ devEmployeeNo: (e.detail && e.detail.value) || '' });
    },

    async onDevLogin() {
      const employeeNo = (this.data.devEmployeeNo || '').trim();
      if (!employeeNo) {
        toast('请输入工号');
        return;
      }
      try {
        await auth.devLogin(employeeNo);
        this.goHome();
      } catch (err) {
        // toast shown by the request layer
      }
    },
  },
});
