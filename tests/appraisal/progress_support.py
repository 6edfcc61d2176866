"""Shared helpers for the progress, values, feeds and self-assessment tests (no tests here): a
2026 cycle of 甲局 with an indicator, goals confirmed through the real three-level flow, clocked
clients, uploads and audit look-ups."""
import io
import types

from models.appraisal.progress import GoalProgress
from models.audit import AuditLog
from models.base import fetch_all
from tests.appraisal import test_goals_helpers as gh

GOAL_SETTING = "2026-01-20T10:00:00+08:00"
IN_PROGRESS = "2026-05-06T10:00:00+08:00"
IN_SELF_ASSESSMENT = "2026-12-03T10:00:00+08:00"
AFTER_SELF_ASSESSMENT = "2026-12-16T10:00:00+08:00"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%evidence\n"


def at(now):
    return {"X-Mingjing-Now": now}


def items(indicator_id=None):
    """A linear item linked to the office's indicator, a threshold item, a qualitative item."""
    return [
        {"title": "政务服务办件量", "kind": "quantitative", "target": 1200, "unit_of_measure": "件",
         "data_source": "政务服务系统", "formula": {"type": "linear", "floor": 600}, "weight": 40,
         "due_date": "2026-12-31", "indicator_id": indicator_id},
        {"title": "政务信息报送", "kind": "quantitative", "target": 24, "unit_of_measure": "篇",
         "formula": {"type": "threshold", "steps": [{"at": 12, "score": 60}, {"at": 24, "score": 100}]},
         "weight": 30, "due_date": "2026-12-31"},
        {"title": "制度建设", "kind": "qualitative", "criteria": "修订制度不少于 2 项", "weight": 30,
         "due_date": "2026-11-30"},
    ]


def setup(f, org, **cycle_kw):
    """甲局's 2026 cycle (office, finance and HR staff take part), the office's indicator ZWFW
    (and the finance department's CWZB), and 乙局's cycle with its own indicator."""
    c = f.cycle(org.a, participants=[org.office_1, org.office_2, org.fin_1, org.hr_1], **cycle_kw)
    cb = f.cycle(org.b, name="乙局2026年度考核", participants=[org.b_office_1])
    ind = f.indicator(c, org.a_office, title="政务服务办件量", code="ZWFW", target=1200)
    ind_fin = f.indicator(c, org.a_fin, title="财务报表", code="CWZB", target=12)
    ind_b = f.indicator(cb, org.b_office, title="乙局办件量", code="ZWFW", target=1000)
    return types.SimpleNamespace(cycle=c, cycle_b=cb, ind=ind, ind_fin=ind_fin, ind_b=ind_b)


def confirm(api, org, cycle, staff, leader, indicator_id=None):
    """staff fills the goals, the leader approves, HR (unit step) confirms: the goal set."""
    me = api.as_(staff)
    h = at(GOAL_SETTING)
    gs = gh.save(me, gh.my_goals(me, cycle, headers=h), items(indicator_id), headers=h)
    gs = gh.submit(me, gs, headers=h)
    hr = org.a_hr_officer if staff.unit_id == org.a.id else org.b_hr_officer
    gh.review(api.as_(leader), gs["id"], headers=h)
    gh.review(api.as_(hr), gs["id"], headers=h)
    out = me.get(f"/api/appraisal/goal-sets/{gs['id']}", headers=h).data
    assert out["status"] == "confirmed", out
    return out


def keys(gs):
    return [i["key"] for i in gs["confirmed"]["items"]]


def report(client, gs, key, now=IN_PROGRESS, **body):
    body.setdefault("reported_on", now[:10])
    return client.post(f"/api/appraisal/goal-sets/{gs['id']}/progress", {"item_key": key, **body},
                       headers=at(now))


def upload(client, path, body, name="evidence.png", now=IN_PROGRESS):
    return client.request("POST", path, headers=at(now),
                          files={"file": (name, body, "application/octet-stream")})


def xlsx(rows, header=("工号", "目标项编号", "指标编码", "日期", "数值", "说明")):
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def progress_rows(server, gs_id):
    async def go():
        return await fetch_all(GoalProgress.select().where(GoalProgress.goal_set == gs_id)
                               .order_by(GoalProgress.id))
    return server.run(go())


def audits(server, action):
    async def go():
        return await fetch_all(AuditLog.select().where(AuditLog.action == action).order_by(AuditLog.seq))
    return server.run(go())
