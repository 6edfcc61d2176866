// Approval-flow editor (审批流程): steps built with pickers instead of the rule language.
// The page renders the text rows as a fallback; this script replaces them with the pickers, keeps
// the steps as JSON in the form's `steps_json` field, previews the unsaved steps next to the editor
// (POST /admin/approval-flows/preview) and offers the text form for 导入/导出. The server
// (services/approval_rules.clean_steps) stays the judge of what is valid.
(function () {
  'use strict';

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === 'text') node.textContent = v;
      else if (k === 'on') Object.keys(v).forEach(function (ev) { node.addEventListener(ev, v[ev]); });
      else if (k === 'value') node.value = v;
      else if (k === 'checked' || k === 'disabled' || k === 'selected') node[k] = !!v;
      else node.setAttribute(k, v === true ? '' : v);
    });
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) return;
      node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return node;
  }

  function options(list, selected) {
    return list.map(function (o) {
      return el('option', { value: o.code, text: o.label || o.name, selected: o.code === selected });
    });
  }

  function parseValue(raw) {
    var t = String(raw).trim();
    if (t !== '' && !isNaN(Number(t))) return Number(t);
    return t;
  }

  // -- the text form (导入/导出): 名称 | 规则,规则 | any/all | 字段 运算符 值；… ----------------------
  function whenText(when) {
    return (when || []).map(function (c) {
      var v = Array.isArray(c.value) ? c.value.join(',') : c.value;
      return c.field + ' ' + c.op + ' ' + v;
    }).join('；');
  }

  function stepsToText(steps) {
    return steps.map(function (s) {
      return [s.name, (s.approvers || []).join(','), s.mode || 'any', whenText(s.when)].join(' | ');
    }).join('\n');
  }

  function textToSteps(text, ops) {
    var steps = [];
    var errors = [];
    text.split(/\r?\n/).forEach(function (line, n) {
      if (!line.trim()) return;
      var parts = line.split('|').map(function (p) { return p.trim(); });
      var when = [];
      (parts[3] || '').replace(/;/g, '；').split('；').forEach(function (c) {
        c = c.trim();
        if (!c) return;
        var bits = c.split(/\s+/);
        if (bits.length < 3 || ops.indexOf(bits[1]) < 0) {
          errors.push('第 ' + (n + 1) + ' 行条件“' + c + '”应写成 字段 运算符 值');
          return;
        }
        var raw = bits.slice(2).join(' ');
        var value = (bits[1] === 'in' || bits[1] === 'not_in')
          ? raw.split(',').map(function (v) { return v.trim(); }).filter(Boolean).map(parseValue)
          : parseValue(raw);
        when.push({ field: bits[0], op: bits[1], value: value });
      });
      steps.push({
        name: parts[0] || '',
        approvers: (parts[1] || '').replace(/，/g, ',').split(',').map(function (a) { return a.trim(); }).filter(Boolean),
        mode: parts[2] === 'all' ? 'all' : 'any',
        when: when
      });
    });
    return { steps: steps, errors: errors };
  }

  function FlowEditor(root, cfg, serverErrors) {
    var state = { steps: JSON.parse(JSON.stringify(cfg.steps || [])) };
    var staffNames = cfg.staff || {};
    var roleNames = {};
    (cfg.roles || []).forEach(function (r) { roleNames[r.code] = r.name; });
    var ruleNames = {};
    (cfg.rules || []).forEach(function (r) { ruleNames[r.code] = r.label; });
    var typeNames = {};
    (cfg.leave_types || []).forEach(function (t) { typeNames[t.code] = t.name; });
    var fields = (cfg.fields || []).slice();
    var opCodes = (cfg.ops || []).map(function (o) { return o.code; });
    var errors = serverErrors || {};
    var onChange = function () {};

    state.steps.forEach(function (s) {
      s.approvers = Array.isArray(s.approvers) ? s.approvers : (s.approvers ? [s.approvers] : []);
      s.when = Array.isArray(s.when) ? s.when : (s.when ? [s.when] : []);
      s.mode = s.mode || 'any';
      s.when.forEach(function (c) {   // a field an older flow uses stays editable
        if (!fields.some(function (f) { return f.code === c.field; })) {
          fields.push({ code: c.field, label: c.field, type: 'text' });
        }
      });
    });
    if (!state.steps.length) state.steps.push(blankStep());

    function blankStep() { return { name: '', approvers: [], mode: 'any', when: [] }; }
    // The approver kind last chosen in each step's picker survives the re-render after adding one.
    var pickedKind = new WeakMap();

    function ruleLabel(rule) {
      if (ruleNames[rule]) return ruleNames[rule];
      if (rule.indexOf('role:') === 0) return '角色：' + (roleNames[rule.slice(5)] || rule.slice(5));
      if (rule.indexOf('staff:') === 0) return '指定人员：' + (staffNames[rule.slice(6)] || ('#' + rule.slice(6)));
      return rule;
    }

    function fieldOf(code) {
      for (var i = 0; i < fields.length; i++) if (fields[i].code === code) return fields[i];
      return { code: code, label: code, type: 'text' };
    }

    function changed(rerender) {
      if (rerender) render();
      onChange();
    }

    function move(i, d) {
      var j = i + d;
      if (j < 0 || j >= state.steps.length) return;
      var t = state.steps[i]; state.steps[i] = state.steps[j]; state.steps[j] = t;
      errors = {};
      changed(true);
    }

    function approverPicker(step, i) {
      var kinds = (cfg.rules || []).map(function (r) { return { code: r.code, label: r.label }; })
        .concat([{ code: 'role', label: '指定角色' }, { code: 'staff', label: '指定人员' }]);
      var kindSel = el('select', { id: 'step-' + i + '-kind', 'aria-label': '第 ' + (i + 1) + ' 步审批人类型' },
        options(kinds, pickedKind.get(step) || 'dept_leader'));
      var roleSel = el('select', { id: 'step-' + i + '-role', 'aria-label': '角色', hidden: true },
        options((cfg.roles || []).map(function (r) { return { code: r.code, label: r.name }; })));
      var q = el('input', { type: 'search', id: 'step-' + i + '-staff-q', placeholder: '输入姓名或工号查找',
        'aria-label': '查找人员', hidden: true, autocomplete: 'off' });
      var results = el('ul', { class: 'staff-results', id: 'step-' + i + '-staff-results', hidden: true });
      var addBtn = el('button', { type: 'button', class: 'small', id: 'step-' + i + '-add-approver', text: '添加审批人' });
      function full() { return step.approvers.length >= cfg.max_approvers; }
      function addRule(rule) {
        if (full()) { window.alert('每个环节最多 ' + cfg.max_approvers + ' 条审批人规则'); return; }
        if (step.approvers.indexOf(rule) < 0) step.approvers.push(rule);
        delete errors['steps[' + i + '].approvers'];
        changed(true);
      }
      function showFor(kind) {
        roleSel.hidden = kind !== 'role';
        q.hidden = kind !== 'staff';
        results.hidden = true;
        addBtn.hidden = kind === 'staff';
      }
      showFor(kindSel.value);
      kindSel.addEventListener('change', function () {
        pickedKind.set(step, kindSel.value);
        showFor(kindSel.value);
        if (kindSel.value === 'staff') q.focus();
      });
      var timer = null;
      var seq = 0;
      q.addEventListener('input', function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          var term = q.value.trim();
          var mine = ++seq;
          if (!term) { results.hidden = true; return; }
          fetch('/admin/approval-flows/staff?q=' + encodeURIComponent(term),
            { credentials: 'same-origin', headers: { Accept: 'application/json' } })
            .then(function (r) { return r.json(); })
            .then(function (d) {
              if (mine !== seq) return;
              results.innerHTML = '';
              var rows = d.data || [];
              if (!rows.length) results.appendChild(el('li', { class: 'empty', text: d.error ? d.error.message : '没有找到在职人员' }));
              rows.forEach(function (p) {
                results.appendChild(el('li', {}, [el('button', { type: 'button', class: 'link',
                  'data-staff-id': p.id,
                  on: { click: function () { staffNames[String(p.id)] = p.name; addRule('staff:' + p.id); } } },
                  [p.name, el('span', { class: 'hint', text: ' ' + (p.department || '') + ' ' + (p.employee_no || '') })])]));
              });
              results.hidden = false;
            })
            .catch(function () { results.innerHTML = ''; results.appendChild(el('li', { class: 'empty', text: '网络异常，请重试' })); results.hidden = false; });
        }, 250);
      });
      addBtn.addEventListener('click', function () {
        if (kindSel.value === 'role') {
          if (!roleSel.value) return;
          addRule('role:' + roleSel.value);
        } else if (kindSel.value !== 'staff') {
          addRule(kindSel.value);
        }
      });
      return el('div', { class: 'approver-picker' }, [kindSel, roleSel, q, addBtn, results]);
    }

    function conditionRow(step, i, c, j) {
      var f = fieldOf(c.field);
      var base = 'step-' + i + '-cond-' + j;
      var ops = (cfg.ops || []).filter(function (o) {
        if (f.type === 'number') return o.code !== 'in' && o.code !== 'not_in';
        return true;
      });
      if (f.type === 'leave_type') ops = ops.filter(function (o) { return ['==', '!=', 'in', 'not_in'].indexOf(o.code) >= 0; });
      var fieldSel = el('select', { id: base + '-field', 'aria-label': '条件字段' },
        options(fields.map(function (x) { return { code: x.code, label: x.label }; }), c.field));
      fieldSel.addEventListener('change', function () {
        var nf = fieldOf(fieldSel.value);
        c.field = nf.code;
        if (nf.type === 'leave_type') { c.op = 'in'; c.value = []; }
        else { c.op = '>'; c.value = nf.type === 'number' ? 0 : ''; }
        changed(true);
      });
      var opSel = el('select', { id: base + '-op', 'aria-label': '运算符' }, options(ops, c.op));
      opSel.addEventListener('change', function () {
        var multi = opSel.value === 'in' || opSel.value === 'not_in';
        var wasMulti = Array.isArray(c.value);
        c.op = opSel.value;
        if (multi && !wasMulti) c.value = c.value === '' || c.value === null ? [] : [c.value];
        if (!multi && wasMulti) c.value = c.value.length ? c.value[0] : '';
        changed(true);
      });
      var valueBox;
      if (f.type === 'leave_type' && (c.op === 'in' || c.op === 'not_in')) {
        var have = Array.isArray(c.value) ? c.value : [];
        valueBox = el('span', { class: 'type-checks', id: base + '-value' }, (cfg.leave_types || []).map(function (t) {
          var box = el('input', { type: 'checkbox', value: t.code, checked: have.indexOf(t.code) >= 0 });
          box.addEventListener('change', function () {
            var list = Array.isArray(c.value) ? c.value.slice() : [];
            if (box.checked && list.indexOf(t.code) < 0) list.push(t.code);
            if (!box.checked) list = list.filter(function (x) { return x !== t.code; });
            c.value = list;
            changed(false);
          });
          return el('label', { class: 'check' }, [box, t.name]);
        }));
      } else if (f.type === 'leave_type') {
        valueBox = el('select', { id: base + '-value', 'aria-label': '假期类型' },
          options((cfg.leave_types || []).map(function (t) { return { code: t.code, label: t.name }; }), c.value));
        if (!c.value && cfg.leave_types && cfg.leave_types.length) c.value = cfg.leave_types[0].code;
        valueBox.addEventListener('change', function () { c.value = valueBox.value; changed(false); });
      } else {
        valueBox = el('input', { type: f.type === 'number' ? 'number' : 'text', step: 'any', id: base + '-value',
          'aria-label': '条件值', value: Array.isArray(c.value) ? c.value.join(',') : c.value });
        valueBox.addEventListener('input', function () {
          c.value = (c.op === 'in' || c.op === 'not_in')
            ? valueBox.value.split(',').map(function (v) { return v.trim(); }).filter(Boolean).map(parseValue)
            : parseValue(valueBox.value);
          changed(false);
        });
      }
      var del = el('button', { type: 'button', class: 'small link', 'aria-label': '删除条件', text: '删除' });
      del.addEventListener('click', function () { step.when.splice(j, 1); changed(true); });
      return el('div', { class: 'cond-row' }, [fieldSel, opSel, valueBox, del]);
    }

    function stepNode(step, i) {
      var n = state.steps.length;
      var name = el('input', { type: 'text', id: 'step-' + i + '-name', maxlength: '50', value: step.name,
        placeholder: '如 部门负责人审批' });
      name.addEventListener('input', function () { step.name = name.value; changed(false); });
      var chips = el('ul', { class: 'chips', id: 'step-' + i + '-approvers' }, step.approvers.map(function (rule, k) {
        var x = el('button', { type: 'button', class: 'chip-x', 'aria-label': '移除 ' + ruleLabel(rule), text: '×' });
        x.addEventListener('click', function () { step.approvers.splice(k, 1); changed(true); });
        return el('li', { class: 'chip', 'data-rule': rule }, [ruleLabel(rule), x]);
      }));
      if (!step.approvers.length) chips.appendChild(el('li', { class: 'hint', text: '尚未选择审批人' }));
      var mode = el('select', { id: 'step-' + i + '-mode', 'aria-label': '多人时' }, options(cfg.modes || [], step.mode));
      mode.addEventListener('change', function () { step.mode = mode.value; changed(false); });
      var conds = el('div', { class: 'conds', id: 'step-' + i + '-conds' }, step.when.map(function (c, j) {
        return conditionRow(step, i, c, j);
      }));
      if (!step.when.length) conds.appendChild(el('div', { class: 'hint', text: '无条件：每个申请都经过此环节' }));
      var addCond = el('button', { type: 'button', class: 'small', id: 'step-' + i + '-add-cond', text: '添加条件',
        hidden: !fields.length });
      addCond.addEventListener('click', function () {
        var f = fields[0];
        step.when.push(f.type === 'leave_type' ? { field: f.code, op: 'in', value: [] }
          : { field: f.code, op: '>', value: f.type === 'number' ? 0 : '' });
        changed(true);
      });
      var errs = [];
      ['name', 'approvers', 'mode', 'when'].forEach(function (k) {
        var m = errors['steps[' + i + '].' + k];
        if (m && k === 'approvers' && !step.approvers.length) m = '请至少选择一个审批人';
        if (m && k === 'name' && !step.name.trim()) m = '请填写环节名称';
        if (m) errs.push(el('div', { class: 'err', role: 'alert', text: m }));
      });
      var tools = el('span', { class: 'step-tools' }, [
        el('button', { type: 'button', class: 'small', 'aria-label': '上移', title: '上移', text: '↑', disabled: i === 0,
          on: { click: function () { move(i, -1); } } }),
        el('button', { type: 'button', class: 'small', 'aria-label': '下移', title: '下移', text: '↓', disabled: i === n - 1,
          on: { click: function () { move(i, 1); } } }),
        el('button', { type: 'button', class: 'small danger', 'aria-label': '删除第 ' + (i + 1) + ' 步', text: '删除环节',
          disabled: n === 1, on: { click: function () { state.steps.splice(i, 1); errors = {}; changed(true); } } })
      ]);
      return el('li', { class: 'flow-step' + (errs.length ? ' has-error' : ''), 'data-index': i }, [
        el('div', { class: 'step-head' }, [el('strong', { text: '第 ' + (i + 1) + ' 步' }), tools]),
        el('div', { class: 'form-grid' }, [
          el('div', { class: 'field' }, [el('label', { for: 'step-' + i + '-name', text: '环节名称' }), name]),
          el('div', { class: 'field' }, [el('label', { for: 'step-' + i + '-mode', text: '多人时' }), mode])
        ]),
        el('div', { class: 'field' }, [el('label', { text: '审批人' }), chips, approverPicker(step, i)]),
        el('div', { class: 'field' }, [el('label', { text: '条件（全部满足时才需要此环节）' }), conds, addCond])
      ].concat(errs));
    }

    function render() {
      root.innerHTML = '';
      root.appendChild(el('ol', { class: 'flow-steps', id: 'flow-steps' }, state.steps.map(stepNode)));
      var add = el('button', { type: 'button', id: 'add-step', text: '＋ 添加环节',
        disabled: state.steps.length >= cfg.max_steps });
      add.addEventListener('click', function () { state.steps.push(blankStep()); changed(true); });
      root.appendChild(el('div', { class: 'step-add' }, [add,
        el('span', { class: 'hint', text: ' 最多 ' + cfg.max_steps + ' 个环节；申请人本人或找不到审批人时自动逐级上移。' })]));
    }

    // Mistakes the pickers can still let through (an empty number, no leave type ticked): caught
    // here with the step named; everything else is the server's to judge.
    function problems() {
      var out = [];
      state.steps.forEach(function (s, i) {
        s.when.forEach(function (c) {
          var f = fieldOf(c.field);
          if (f.type === 'number' && typeof c.value !== 'number') out.push('第 ' + (i + 1) + ' 步条件“' + f.label + '”的值应为数字');
          if (Array.isArray(c.value) && !c.value.length) out.push('第 ' + (i + 1) + ' 步条件“' + f.label + '”至少选择一项');
        });
      });
      return out;
    }

    render();
    return {
      problems: problems,
      steps: function () { return state.steps; },
      setSteps: function (steps) { state.steps = steps.length ? steps : [blankStep()]; errors = {}; changed(true); },
      onChange: function (fn) { onChange = fn; },
      text: function () { return stepsToText(state.steps); },
      parse: function (text) { return textToSteps(text, opCodes); },
      typeName: function (code) { return typeNames[code] || code; }
    };
  }

  function previewer(editor, cfg) {
    var form = document.getElementById('preview-form');
    if (!form) return function () {};
    var out = document.getElementById('preview-live');
    function show(node) { out.innerHTML = ''; out.appendChild(node); }
    function run() {
      var emp = form.querySelector('[name=employee_no]').value.trim();
      if (!emp) return;
      var body = { kind: cfg.kind, employee_no: emp, steps: editor.steps() };
      ['days', 'hours', 'leave_type'].forEach(function (k) {
        var f = form.querySelector('[name=' + k + ']');
        if (f && f.value.trim()) body[k] = f.value.trim();
      });
      fetch('/admin/approval-flows/preview', { method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-XSRFToken': window.mjXsrf() },
        body: JSON.stringify(body) })
        .then(function (r) { return r.json(); })
        .then(function (d) {
          if (!d.data) {
            show(el('div', { class: 'notice bad', role: 'alert', id: 'preview-error',
              text: (d.error && d.error.message) || '预览失败' }));
            return;
          }
          var list = el('ol', { class: 'preview', id: 'preview-result' }, d.data.steps.map(function (s) {
            var who = s.approvers.map(function (a) { return a.name; }).join('、') || '—';
            return el('li', { class: s.skipped ? 'skipped' : '' }, [el('strong', { text: s.name }), '：',
              s.skipped ? el('span', { class: 'tag', text: '跳过' }) : who,
              s.note ? el('span', { class: 'hint', text: ' ' + s.note }) : null]);
          }));
          if (!d.data.steps.length) list.appendChild(el('li', { text: '无需审批，提交后自动通过' }));
          show(el('div', {}, [list, el('p', { class: 'hint', text: '申请人：' + d.data.applicant.name +
            (d.data.applicant.department ? '（' + d.data.applicant.department + '）' : '') + '。按编辑中的流程计算（尚未保存）。' })]));
        })
        .catch(function () { show(el('div', { class: 'notice bad', text: '网络异常，预览失败' })); });
    }
    form.addEventListener('submit', function (e) { e.preventDefault(); run(); });
    var timer = null;
    return function () { clearTimeout(timer); timer = setTimeout(run, 500); };
  }

  document.addEventListener('DOMContentLoaded', function () {
    var root = document.getElementById('flow-editor');
    if (!root) return;
    var cfg = JSON.parse(root.getAttribute('data-config'));
    var serverErrors = JSON.parse(root.getAttribute('data-errors') || '{}');
    var editor = FlowEditor(root, cfg, serverErrors);
    var form = document.getElementById('flow-form');
    var hidden = document.getElementById('steps-json');
    var rows = document.getElementById('flow-rows');
    if (rows) rows.parentNode.removeChild(rows);   // the text rows are the no-script fallback
    hidden.disabled = false;
    root.hidden = false;
    var textBox = document.getElementById('flow-text');
    if (textBox) textBox.hidden = false;
    var area = document.getElementById('flow-text-area');
    function sync() { hidden.value = JSON.stringify(editor.steps()); }
    var refresh = previewer(editor, cfg);
    editor.onChange(function () { sync(); refresh(); });
    sync();
    form.addEventListener('submit', function (e) {
      sync();
      var bad = editor.problems();
      if (bad.length) { e.preventDefault(); window.alert(bad.join('\n')); }
    });
    var exp = document.getElementById('flow-export');
    if (exp) exp.addEventListener('click', function () { area.value = editor.text(); });
    var imp = document.getElementById('flow-import');
    if (imp) imp.addEventListener('click', function () {
      var res = editor.parse(area.value);
      if (res.errors.length) { window.alert(res.errors.join('\n')); return; }
      if (!res.steps.length) { window.alert('没有可导入的环节'); return; }
      editor.setSteps(res.steps);
    });
    if (area) area.value = editor.text();
  });
})();
