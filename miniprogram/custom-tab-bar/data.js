// Tabs in order. To add one (考勤, 审批 ...): add it here and to app.json tabBar.list.
module.exports = [
  { label: '首页', icon: 'home', url: '/pages/home/index' },
  { label: '打卡', icon: 'location', url: '/pages/attendance-clock/index' },
  { label: '审批', icon: 'task', url: '/pages/approvals/index' },
  { label: '我的', icon: 'user', url: '/pages/profile/index' },
];
