// Binding this WeChat to a person record: by phone, by invite QR, or by a request to an admin.
const { get, post } = require('../utils/request');
const session = require('../utils/session');

// Conflicts the page explains itself instead of a toast.
const CONFLICT_CODES = [
  'BINDING_PHONE_BOUND_ELSEWHERE', 'BINDING_PHONE_AMBIGUOUS', 'BINDING_NO_RECORD',
  'BINDING_RECORD_BOUND_ELSEWHERE', 'BINDING_WECHAT_IN_USE',
];

// Error code → conflict kind (the backend also sends fields.conflict for the first four).
const CONFLICT_KINDS = {
  BINDING_PHONE_BOUND_ELSEWHERE: 'bound_elsewhere',
  BINDING_PHONE_AMBIGUOUS: 'ambiguous',
  BINDING_NO_RECORD: 'no_record',
  BINDING_RECORD_BOUND_ELSEWHERE: 'record_bound_elsewhere',
  BINDING_WECHAT_IN_USE: 'wechat_in_use',
};

// Kinds a binding request can be filed for (the backend's accepted `conflict` values).
const REQUESTABLE = ['bound_elsewhere', 'ambiguous', 'no_record', 'record_bound_elsewhere'];

function saveBound(data) {
  session.setToken(data.token, data.expires_at);
  session.clearTicket();
  return data;
}

async function bindByPhone({ ticket, phoneCode }) {
  const data = await post(
    '/api/binding/phone',
    { ticket, phone_code: phoneCode },
    { auth: false, loading: '正在绑定', key: 'binding-submit', quietCodes: CONFLICT_CODES },
  );
  return saveBound(data);
}

async function bindByInvite({ ticket, invite }) {
  const data = await post('/api/binding/invite', { ticket, invite }, { auth: false, loading: '正在绑定', key: 'binding-submit', quietCodes: CONFLICT_CODES });
  return saveBound(data);
}

function submitBindingRequest({ ticket, conflict, name, employeeNo, note }) {
  const body = { ticket, conflict, name };
  if (employeeNo) body.employee_no = employeeNo;
  if (note) body.note = note;
  return post('/api/binding/requests', body, { auth: false, loading: '正在提交', key: 'binding-request-submit' });
}

function fetchBindingRequests(ticket, { toast = true } = {}) {
  return get('/api/binding/requests', { ticket }, { auth: false, toast });
}

// Plain words for each conflict (what happened, what to do next).
const CONFLICTS = {
  bound_elsewhere: {
    title: '该手机号已绑定其他微信',
    text: (phone) => `手机号 ${phone} 已经绑定了另一个微信账号。如果那是您以前用过的微信，或者有人误用了您的手机号，请提交绑定申请，单位管理员核实后会为您改绑。`,
  },
  ambiguous: {
    title: '手机号对应多条人员记录',
    text: (phone) => `系统中有不止一位人员登记了手机号 ${phone}，无法自动确认哪一位是您。请提交绑定申请并填写姓名和工号，管理员核实后为您绑定。`,
  },
  record_bound_elsewhere: {
    title: '您的人员记录已绑定其他微信',
    text: () => '邀请二维码对应的人员记录已经绑定了另一个微信账号。如果那是您以前用过的微信（例如换了手机或微信号），请提交绑定申请，单位管理员核实后会为您改绑到当前微信。',
  },
  wechat_in_use: {
    title: '当前微信已绑定其他人员',
    text: () => '这个微信已经绑定了另一条人员记录，一个微信只能绑定一个人。请用该微信登录后在“我的”页面解除绑定再来绑定；如有疑问请联系单位管理员。',
  },
  no_record: {
    title: '未找到您的人员记录',
    text: (phone) => `系统中没有登记手机号 ${phone} 的人员，可能单位还没有录入您的信息，或登记的是其他号码。请提交绑定申请，管理员核实后为您处理。`,
  },
};

function describeConflict(conflict, phoneMasked) {
  const entry = CONFLICTS[conflict] || {
    title: '暂时无法自动绑定',
    text: () => '系统无法自动确认您的身份，请提交绑定申请，由管理员核实处理。',
  };
  return { title: entry.title, text: entry.text(phoneMasked || ''), canRequest: !CONFLICTS[conflict] || REQUESTABLE.includes(conflict) };
}

const STATUS = {
  open: { label: '处理中', theme: 'warning' },
  resolved: { label: '已处理', theme: 'success' },
  rejected: { label: '未通过', theme: 'danger' },
};

function describeStatus(status) {
  return STATUS[status] || { label: status || '未知', theme: 'default' };
}

module.exports = {
  CONFLICT_CODES,
  CONFLICT_KINDS,
  bindByPhone,
  bindByInvite,
  submitBindingRequest,
  fetchBindingRequests,
  describeConflict,
  describeStatus,
};
