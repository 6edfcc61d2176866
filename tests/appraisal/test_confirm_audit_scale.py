"""Confirming 2,500 proposed grades at once (issue 16): every change is in the audit log, split
over entries of at most 1,000 (one entry of 10,000 changes was ~250 kB and MariaDB refused it:
a 500 on results/confirm); the audit chain still verifies."""
from models.appraisal.cycles import CycleParticipant
from models.appraisal.scoring import AppraisalResult
from models.base import atomic, fetch_all
from models.org import Staff
from services import audit
from services.appraisal.grades import AUDIT_CHANGES_PER_ENTRY
from tests.appraisal import alerts_support as al
from tests.appraisal import results_support as rs

N = 2500


def test_confirm_many_splits_the_audit_entry(server, api, org, f):
    c = al.cycle(f, org, [])
    dept = org.a_office

    async def populate():
        async with atomic():
            for i in range(0, N, 500):
                await Staff.insert_many([{"employee_no": f"CF{k:05d}", "name": f"人员{k}", "unit": org.a.id,
                                          "department": dept.id, "status": "active"}
                                         for k in range(i, i + 500)]).aexecute()
            ids = [s.id for s in await fetch_all(Staff.select(Staff.id).where(Staff.employee_no.startswith("CF")))]
            for i in range(0, N, 500):
                chunk = ids[i:i + 500]
                await CycleParticipant.insert_many([{"cycle": c.id, "staff": s, "department": dept.id,
                                                     "status": "active"} for s in chunk]).aexecute()
                await AppraisalResult.insert_many([{"cycle": c.id, "staff": s, "unit": org.a.id,
                                                    "department_id": dept.id, "total": 80.0,
                                                    "proposed_grade": "competent"} for s in chunk]).aexecute()
            return ids

    ids = server.run(populate(), timeout=300)
    hr = rs.client(api, org.a_hr_officer)
    r = hr.post(f"/api/appraisal/cycles/{c.id}/results/confirm", {"accept_proposed": True},
                headers=rs.at("2027-01-04"))
    assert r.status == 200, r
    assert r.data["confirmed"] == N
    entries = rs.audits(server, "appraisal.result.confirm")
    assert AUDIT_CHANGES_PER_ENTRY == 1000 and len(entries) == 3
    assert [e.after["part"] for e in entries] == [[1, 3], [2, 3], [3, 3]]
    assert [len(e.after["changes"]) for e in entries] == [1000, 1000, 500]
    logged = {int(k): v for e in entries for k, v in e.after["changes"].items()}
    assert sorted(logged) == sorted(ids) and set(map(tuple, logged.values())) == {("", "competent")}
    assert all(e.after["confirmed"] == N for e in entries)
    assert server.run(audit.verify_chain())["ok"]
    rows = server.run(fetch_all(AppraisalResult.select().where(AppraisalResult.cycle == c.id)))
    assert {r.status for r in rows} == {"confirmed"} and len(rows) == N
    assert all(r.confirmed_by_id == org.a_hr_officer.id for r in rows)
