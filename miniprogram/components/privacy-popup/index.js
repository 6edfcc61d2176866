// 隐私授权弹窗: shown when a privacy-protected API (getPhoneNumber, getLocation, ...) needs
// the user's consent (wx.onNeedPrivacyAuthorization, with __usePrivacyCheck__ in app.json).
Component({
  data: {
    visible: false,
    contractName: '《明镜小程序隐私保护指引》',
  },

  lifetimes: {
    attached() {
      if (wx.onNeedPrivacyAuthorization) {
        wx.onNeedPrivacyAuthorization((resolve) => {
          this.resolvePrivacy = resolve;
          this.setData({ visible: true });
        });
      }
      if (wx.getPrivacySetting) {
        wx.getPrivacySetting({
          success: (res) => {
            if (res && res.privacyContractName) this.setData({ contractName: res.privacyContractName });
          },
        });
      }
    },
    detached() {
      this.resolvePrivacy = null;
    },
  },

  methods: {
    openContract() {
      if (wx.openPrivacyContract) wx.openPrivacyContract({});
    },

    onAgree() {
      if (this.resolvePrivacy) this.resolvePrivacy({ buttonId: 'privacy-agree', event: 'agree' });
      this.resolvePrivacy = null;
      this.setData({ visible: false });
      this.triggerEvent('agree');
    },

    onDisagree() {
      if (this.resolvePrivacy) this.resolvePrivacy({ event: 'disagree' });
      this.resolvePrivacy = null;
      this.setData({ visible: false });
      this.triggerEvent('disagree');
    },
  },
});
