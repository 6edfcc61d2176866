"""Free-text search in the approval boxes and in my messages (issue 15): by applicant name or
request title, by message title or body; never beyond the caller's own box or messages."""
from services.notify import raise_notification
from tests.approvals.helpers import submit


def ids(resp):
    assert resp.status == 200, resp
    return sorted(row["id"] for row in resp.data)


def test_waiting_box_searches_names_and_titles_within_the_box(api, org, server, f):
    one = submit(server, org.office_1, kind="test_leave", summary="出差报告 3 月")
    two = submit(server, org.office_2, kind="test_leave", summary="培训 两天")
    wang = f.staff(org.a_office, "王小五", phone="13712345678", id_no="110101199003070011")
    three = submit(server, wang, kind="test_leave", summary="事假 一天")
    # B's 办公室职工一 has the same name as A's: their request is B's leader's, never A's.
    b_one = submit(server, org.b_office_1, kind="test_leave", summary="出差报告 B")
    leader = api.as_(org.office_leader)
    assert ids(leader.get("/api/approvals?box=waiting")) == sorted([one["id"], two["id"], three["id"]])
    assert ids(leader.get("/api/approvals?box=waiting&q=职工一")) == [one["id"]]
    assert ids(leader.get("/api/approvals?box=waiting&q=出差报告")) == [one["id"]]
    assert ids(leader.get("/api/approvals?box=waiting&q=培训")) == [two["id"]]
    assert ids(leader.get("/api/approvals?box=waiting&q=小五")) == [three["id"]]
    # the kind's Chinese title matches too; blanks and an empty q mean no search
    assert len(ids(leader.get("/api/approvals?box=waiting&q=测试请假"))) == 3
    assert len(ids(leader.get("/api/approvals?box=waiting&q=%20%20"))) == 3
    assert len(ids(leader.get("/api/approvals?box=waiting&q="))) == 3
    # names only: the encrypted phone and ID number are never searched; LIKE wildcards are literal
    assert ids(leader.get("/api/approvals?box=waiting&q=13712345678")) == []
    assert ids(leader.get("/api/approvals?box=waiting&q=110101199003070011")) == []
    assert ids(leader.get("/api/approvals?box=waiting&q=%25")) == []
    assert ids(leader.get("/api/approvals?box=waiting&q=_")) == []
    # paging counts the matches
    r = leader.get("/api/approvals?box=waiting&q=职工&page_size=1")
    assert r.status == 200 and r.json["total"] == 2 and len(r.data) == 1
    # the other unit's leader finds only their own; with the kind filter combined
    b_leader = api.as_(org.b_office_leader)
    assert ids(b_leader.get("/api/approvals?box=waiting&q=职工一")) == [b_one["id"]]
    assert ids(b_leader.get("/api/approvals?box=waiting&q=出差报告&kind=test_leave")) == [b_one["id"]]
    assert ids(b_leader.get("/api/approvals?box=waiting&q=出差报告&kind=leave")) == []
    # an applicant's "mine" box never shows a colleague's request, whatever the search
    me = api.as_(org.office_1)
    assert ids(me.get("/api/approvals?box=mine&q=职工")) == [one["id"]]
    assert ids(me.get("/api/approvals?box=mine&q=培训")) == []
    assert ids(me.get("/api/approvals?box=waiting&q=职工")) == []


def test_search_input_is_checked(api, org):
    leader = api.as_(org.office_leader)
    r = leader.get("/api/approvals?box=waiting&q=" + "长" * 51)
    assert r.status == 422 and r.code == "VALIDATION_FAILED", r
    r = leader.get("/api/approvals?box=waiting&q=%01")
    assert r.status == 422, r
    r = leader.get("/api/messages?q=" + "长" * 51)
    assert r.status == 422 and r.code == "VALIDATION_FAILED", r
    assert api.get("/api/messages?q=x").status == 401


def test_messages_search_title_and_body_of_my_own(api, org, server):
    async def seed():
        await raise_notification(recipient_ids=[org.office_1.id], kind="approval.pending",
                                 title="请假待审批", body="办公室职工二 年休假 2 天")
        await raise_notification(recipient_ids=[org.office_1.id], kind="approval.done",
                                 title="您的加班申请已通过", body="加班 3 小时")
        await raise_notification(recipient_ids=[org.office_2.id], kind="approval.done",
                                 title="您的加班申请已通过", body="别人的加班 5 小时")
    server.run(seed())
    me = api.as_(org.office_1)
    r = me.get("/api/messages?q=加班")
    assert r.status == 200 and r.json["total"] == 1 and [m["body"] for m in r.data] == ["加班 3 小时"], r
    assert [m["title"] for m in me.get("/api/messages?q=年休假").data] == ["请假待审批"]   # body
    assert [m["title"] for m in me.get("/api/messages?q=待审批").data] == ["请假待审批"]   # title
    assert me.get("/api/messages?q=别人").data == []                                       # not mine
    assert me.get("/api/messages?q=%25").data == []
    assert len(me.get("/api/messages").data) == 2
    # with unread and paging; the badge count stays the whole unread count
    first = me.get("/api/messages?q=加班").data[0]
    assert me.post(f"/api/messages/{first['id']}/read").status == 200
    r = me.get("/api/messages?q=加班&unread=1")
    assert r.status == 200 and r.data == [] and r.json["total"] == 0 and r.json["unread"] == 1
    r = me.get("/api/messages?q=小时&page_size=1")
    assert r.json["total"] == 1 and len(r.data) == 1
    other = api.as_(org.office_2)
    assert [m["body"] for m in other.get("/api/messages?q=加班").data] == ["别人的加班 5 小时"]
