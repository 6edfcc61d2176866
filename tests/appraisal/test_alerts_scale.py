"""Integrity alerts at 10,000 participants: every detector reads the cycle set-based, so computing
(and recomputing) takes seconds, not a query per person."""
import datetime
import random
import time

from models.appraisal.cycles import CycleParticipant
from models.appraisal.outcomes import IntegrityAlert
from models.appraisal.scoring import AppraisalResult, ScoreChange, ScoreSheet
from models.attendance import DayStatus
from models.base import atomic, count, fetch_all
from models.org import Staff
from tests.appraisal import alerts_support as al

N = 10000


def test_ten_thousand_participants(server, api, org, f):
    unit = org.a
    depts = [f.dept(unit, f"大部门{i}") for i in range(20)]
    old = al.cycle(f, org, [], year=2025, status="closed", name="2025年度考核")
    c = al.cycle(f, org, [])
    rng = random.Random(12)

    async def populate():
        async with atomic():
            for i in range(0, N, 500):
                await Staff.insert_many([
                    {"employee_no": f"BIG{k:05d}", "name": f"人员{k}", "unit": unit.id,
                     "department": depts[k % 20].id, "status": "active", "gender": "M",
                     "hire_date": datetime.date(2015, 1, 1), "first_employment_date": datetime.date(2010, 1, 1)}
                    for k in range(i, i + 500)]).aexecute()
        staff = [(s.id, s.department_id) for s in await fetch_all(
            Staff.select(Staff.id, Staff.department).where(Staff.employee_no.startswith("BIG")).order_by(Staff.id))]
        leaders = {d: sid for sid, d in staff[:20]}
        rows = {"part": [], "sheet": [], "res": [], "old": [], "days": []}
        for k, (sid, d) in enumerate(staff):
            total = round(rng.uniform(60, 99), 1)
            grade = "excellent" if total >= 95 else "competent" if total >= 70 else "basically_competent"
            rows["part"].append({"cycle": c.id, "staff": sid, "department": d, "status": "active"})
            rows["sheet"].append({"cycle": c.id, "participant": sid, "rater": leaders[d], "role": "leader",
                                  "weight": 70, "status": "submitted", "total": total,
                                  "submitted_at": datetime.datetime(2026, 12, 20, 2)})
            rows["sheet"].append({"cycle": c.id, "participant": sid, "rater": staff[(k + 1) % N][0], "role": "peer",
                                  "weight": 30, "status": "submitted", "total": round(rng.uniform(70, 95), 1),
                                  "submitted_at": datetime.datetime(2026, 12, 20, 2)})
            base = {"staff": sid, "unit": unit.id, "department_id": d}
            rows["res"].append({**base, "cycle": c.id, "total": total, "grade": grade, "proposed_grade": grade})
            rows["old"].append({**base, "cycle": old.id, "total": total - rng.uniform(0, 35), "grade": "competent"})
            for day in range(1, 1 + (10 if k % 50 == 0 else 2)):
                rows["days"].append({"staff": sid, "unit": unit.id, "department": d,
                                     "day": datetime.date(2026, 3, day), "day_kind": "workday",
                                     "status": "late" if day % 2 else "normal", "late_count": day % 2})
        async with atomic():
            for key, model in (("part", CycleParticipant), ("sheet", ScoreSheet), ("res", AppraisalResult),
                               ("old", AppraisalResult), ("days", DayStatus)):
                data = rows[key]
                for i in range(0, len(data), 500):
                    await model.insert_many(data[i:i + 500]).aexecute()
            sheet_ids = [s.id for s in await fetch_all(ScoreSheet.select(ScoreSheet.id).where(
                ScoreSheet.cycle == c.id).order_by(ScoreSheet.id))]
            changes = [{"sheet": sid, "item_key": "k1", "score": 80, "stage": "submit",
                        "created_at": datetime.datetime(2027, 1, 2) if n % 200 == 0 else datetime.datetime(2026, 12, 20)}
                       for n, sid in enumerate(sheet_ids)]
            for i in range(0, len(changes), 500):
                await ScoreChange.insert_many(changes[i:i + 500]).aexecute()

    server.run(populate(), timeout=600)
    started = time.monotonic()
    first = al.compute(api, org.a_hr_officer, c)
    elapsed = time.monotonic() - started
    started = time.monotonic()
    again = al.compute(api, org.a_hr_officer, c)
    elapsed2 = time.monotonic() - started
    print(f"alerts for {N} participants: first {elapsed:.2f}s ({first['found']} alerts {first['by_kind']}), "
          f"again {elapsed2:.2f}s")
    assert first["found"] > 100 and again["created"] == 0 and again["found"] == first["found"]
    assert server.run(count(IntegrityAlert.select().where(IntegrityAlert.cycle == c.id))) == first["found"]
    assert first["by_kind"]["late_change"] == 100 and first["by_kind"]["attendance_contradiction"] > 0
    assert elapsed < 30 and elapsed2 < 30, (elapsed, elapsed2)
