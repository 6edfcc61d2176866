// 明镜 mini-program entry. Login state lives in storage (utils/session.js);
// pages/login decides where to go at start.
App({
  globalData: {},

  onLaunch() {
    if (wx.getUpdateManager) {
      const manager = wx.getUpdateManager();
      manager.onUpdateReady(() => {
        wx.showModal({
          title: '发现新版本',
          content: '新版本已准备好，是否重启使用？',
          success: (res) => res.confirm && manager.applyUpdate(),
        });
      });
    }
  },
});
