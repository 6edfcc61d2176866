// Sample backend payloads shaped like the API contract.
const me = {
  id: 7,
  employee_no: 'E0007',
  name: '张三',
  phone_masked: '138****1234',
  id_no_masked: '1101**********1234',
  unit: { id: 1, name: '市统计局' },
  department: { id: 3, name: '办公室' },
  position: '科员',
  rank: '一级科员',
  posts: [
    { department: { id: 3, name: '办公室' }, kind: 'main' },
    { department: { id: 5, name: '信息中心' }, kind: 'concurrent' },
  ],
  roles: [{ code: 'staff', name: '普通人员', scope: 'self' }, { code: 'dept_leader', name: '部门负责人', scope: 'department' }],
  permissions: ['home.view'],
  console: true, // may sign in to the admin console by scanning (GET /api/me console)
};

const bound = (token = 'tok-new') => ({ status: 'bound', token, expires_at: '2026-12-01T08:00:00+08:00', me });
const unbound = (ticket = 'tkt-1') => ({ status: 'unbound', ticket, expires_at: '2026-11-26T14:30:00+08:00' });

const home = {
  me,
  cards: {
    attendance: { status: 'pending', text: '未打卡' },
    approvals: { waiting: 3 },
    goals: { text: '2 项进行中' },
    messages: { unread: 5 },
  },
};

module.exports = { me, bound, unbound, home };
