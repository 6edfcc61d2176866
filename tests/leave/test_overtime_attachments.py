"""Overtime becomes 调休 balance (earliest expiring first); attachments are typed and guarded."""
from models.leave import LieuCredit
from tests.leave.test_leave import act, apply

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
PDF = b"%PDF-1.4\n%test\n"


def overtime(client, date, hours, reason="加班处理文件"):
    return client.post("/api/overtime/requests", {"date": date, "hours": hours, "reason": reason})


def lieu(client, year=2026):
    return next(b for b in client.get(f"/api/leave/balances?year={year}").data if b["type_code"] == "lieu")


def test_overtime_to_lieu_and_back(api, org, server):
    me = api.as_(org.office_1)
    leader = api.as_(org.office_leader)
    assert overtime(me, "2026-03-07", 0.3).code == "OVERTIME_HOURS_INVALID"
    assert overtime(me, "2026-03-07", 25).status == 422
    assert overtime(me, "2026-03-07", "x").status == 422
    a = overtime(me, "2026-03-07", 8)
    assert a.status == 201, a
    assert overtime(me, "2026-03-07", 2).code == "OVERTIME_OVERLAP"
    b = overtime(me, "2026-01-10", 4)
    assert lieu(me)["remaining"] == 0  # nothing before approval
    assert act(leader, a.data["instance_id"], "approve").data["status"] == "approved"
    assert act(leader, b.data["instance_id"], "approve").status == 200
    assert me.get(f"/api/overtime/requests/{a.data['id']}").data["status"] == "approved"
    bal = lieu(me)
    assert bal["entitled"] == 1.5 and bal["remaining"] == 1.5
    assert [c["expires_on"] for c in bal["credits"]] == ["2026-07-10", "2026-09-07"]
    # 调休 one day: the January credit (expiring first) is drawn before the March one.
    r = apply(me, "lieu", "2026-04-08", "2026-04-08")
    assert r.status == 201, r
    credits = {c.expires_on.isoformat(): c for c in server.run(LieuCredit.select().aexecute())}
    assert credits["2026-07-10"].reserved == 0.5 and credits["2026-09-07"].reserved == 0.5
    assert apply(me, "lieu", "2026-04-09", "2026-04-09").code == "LEAVE_BALANCE_INSUFFICIENT"
    assert act(leader, r.data["instance_id"], "approve").data["status"] == "approved"
    bal = lieu(me)
    assert (bal["used"], bal["pending"], bal["remaining"]) == (1, 0, 0.5)
    # After the January credit expires, it no longer counts for a leave in August.
    assert apply(me, "lieu", "2026-08-03", "2026-08-03", "am", "am").status == 201
    assert apply(me, "lieu", "2026-08-04", "2026-08-04", "am", "am").code == "LEAVE_BALANCE_INSUFFICIENT"
    # report-back gives the day back
    r = me.post(f"/api/leave/requests/{r.data['id']}/report-back", {"date": "2026-04-08", "half": "am"})
    assert r.status == 200 and r.data["status"] == "cancelled" and r.data["days"] == 0, r
    assert lieu(me)["used"] == 0
    # others do not see my overtime; HR in reach does
    assert api.as_(org.office_2).get(f"/api/overtime/requests/{a.data['id']}").status == 404
    assert api.as_(org.b_hr_officer).get(f"/api/overtime/requests/{a.data['id']}").status == 404
    assert api.as_(org.a_hr_officer).get(f"/api/overtime/requests/{a.data['id']}").status == 200
    assert me.get("/api/overtime/requests?mine=1").json["total"] == 2


def test_overtime_reject_gives_nothing(api, org):
    me = api.as_(org.fin_1)
    a = overtime(me, "2026-03-07", 8)
    assert act(api.as_(org.fin_leader), a.data["instance_id"], "reject", comment="无需加班").status == 200
    assert lieu(me)["entitled"] == 0


def upload(client, rid, body, name="note.png"):
    return client.request("POST", f"/api/leave/requests/{rid}/attachments",
                          files={"file": (name, body, "application/octet-stream")})


def test_attachments(api, org, server):
    me = api.as_(org.office_1)
    r = apply(me, "sick", "2026-04-08", "2026-04-10")
    assert r.data["attachment_required"] is True
    rid = r.data["id"]
    assert upload(me, rid, b"GIF89a....", "x.gif").code == "ATTACHMENT_TYPE_INVALID"
    assert upload(me, rid, b"<html>", "x.png").code == "ATTACHMENT_TYPE_INVALID"
    assert me.request("POST", f"/api/leave/requests/{rid}/attachments").code == "ATTACHMENT_EMPTY"
    big = b"%PDF-" + b"0" * (server.config.server.max_upload_mb * 1024 * 1024)
    assert upload(me, rid, big, "big.pdf").status == 413
    assert upload(api.as_(org.office_2), rid, PNG).status == 404
    a = upload(me, rid, PNG, "../../病历.png")
    assert a.status == 201 and a.data["content_type"] == "image/png", a
    assert a.data["filename"] == "病历.png"
    p = upload(me, rid, PDF, "诊断.pdf")
    assert p.status == 201
    detail = me.get(f"/api/leave/requests/{rid}").data
    assert [x["id"] for x in detail["attachments"]] == [a.data["id"], p.data["id"]]
    got = me.get(f"/api/attachments/{a.data['id']}")
    assert got.status == 200 and got.raw.content == PNG and got.headers["Content-Type"] == "image/png"
    assert "attachment" in got.headers["Content-Disposition"]
    # approver and HR in reach may read; others may not
    assert api.as_(org.office_leader).get(f"/api/attachments/{a.data['id']}").status == 200
    assert api.as_(org.a_hr_officer).get(f"/api/attachments/{a.data['id']}").status == 200
    for who in (org.office_2, org.b_hr_officer, org.b_office_1):
        r = api.as_(who).get(f"/api/attachments/{a.data['id']}")
        assert r.status == 404 and r.code == "ATTACHMENT_NOT_FOUND"
    assert api.get(f"/api/attachments/{a.data['id']}").status == 401
    # the stored file has a random name under upload_dir, not the uploaded one
    import os
    # (the upload dir is shared by the whole session: look only for this request's files)
    from models.base import fetch_all
    from models.leave import Attachment
    mine = {a.stored_name for a in server.run(fetch_all(Attachment.select().where(Attachment.owner_id == rid)))}
    stored = [f for _, _, fs in os.walk(server.config.server.upload_dir) for f in fs]
    assert len(mine) == 2 and mine <= set(stored)
    # (other features keep their own files there too, e.g. finished report exports)
    assert all(len(f) == 32 and "." not in f for f in mine)
