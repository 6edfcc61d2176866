"""Staff API over real HTTP: data scope on every read and write, masked PII, audited changes."""
import csv
import io

from models.org import Staff, StaffPost, StaffTransfer
from tests.org.util import audits, last_audit, raw

GOOD_ID = "11010519491231002X"
GOOD_ID2 = "110101199003074477"


def new_person(dept, **kw):
    body = {"employee_no": "N001", "name": "新同事", "department_id": dept.id, "gender": "F",
            "phone": "13712345678", "id_no": GOOD_ID, "hire_date": "2020-07-01",
            "first_employment_date": "2018-07-01"}
    body.update(kw)
    return body


def test_list_is_limited_to_the_reach(api, org, scoped):
    hr = api.as_(scoped.hr)
    r = hr.get("/api/staff?page_size=100")
    assert r.status == 200, r
    depts = {s["department"]["name"] for s in r.data}
    assert depts == {"人事科", "档案组"}
    assert r.json["total"] == len(r.data) and r.json["page"] == 1
    # Everyone of bureau A for the unit-wide officer, nobody of B.
    a = api.as_(org.a_hr_officer).get("/api/staff?page_size=200")
    assert "乙局长" not in {s["name"] for s in a.data}
    assert {s["unit"]["name"] for s in a.data} == {"甲局"}
    # Paging.
    p = hr.get("/api/staff?page=2&page_size=3")
    assert p.json["page"] == 2 and len(p.data) == 3 and p.json["total"] == r.json["total"]
    r = hr.get("/api/staff?page=x")
    assert (r.status, r.code) == (422, "VALIDATION_FAILED") and r.error["fields"] == {"page": "应为整数"}


def test_department_scoped_list_includes_concurrent_posts(api, org, f):
    only = f.staff(org.a_fin, "财务科管理员", employee_no="FIN-HR")
    f.grant(only, "hr_officer", "dept", dept=org.a_fin)
    f.post(org.office_1, org.a_fin)
    r = api.as_(only).get("/api/staff?page_size=100")
    names = {s["name"] for s in r.data}
    assert names == {"财务科负责人", "财务科职工一", "财务科职工二", "财务科管理员", "办公室职工一"}
    # And the department filter counts the post too.
    r = api.as_(org.a_hr_officer).get(f"/api/staff?department_id={org.a_fin.id}&page_size=100")
    assert "办公室职工一" in {s["name"] for s in r.data}
    # Filtering by a department outside the reach is a 404.
    assert api.as_(only).get(f"/api/staff?department_id={org.a_hr.id}").status == 404


def test_search_by_name_number_phone_and_id(api, org, f):
    f.staff(org.a_hr, "张三丰", employee_no="Z-123", phone="13611112222", id_no=GOOD_ID2)
    hr = api.as_(org.a_hr_officer)
    assert [s["name"] for s in hr.get("/api/staff?q=三丰").data] == ["张三丰"]
    assert [s["name"] for s in hr.get("/api/staff?q=Z-12").data] == ["张三丰"]
    assert [s["name"] for s in hr.get("/api/staff?q=13611112222").data] == ["张三丰"]
    assert [s["name"] for s in hr.get(f"/api/staff?q={GOOD_ID2.lower()}").data] == ["张三丰"]
    assert hr.get("/api/staff?q=1361111").data == []  # phone matches exactly, never by prefix
    # The other unit's officer cannot find them by any key.
    assert api.as_(org.b_hr_officer).get("/api/staff?q=13611112222").data == []
    assert api.as_(org.a_hr_officer).get("/api/staff?status=gone").code == "VALIDATION_FAILED"


def test_get_one_masks_and_hides_other_scopes(api, org, scoped):
    hr = api.as_(scoped.hr)
    r = hr.get(f"/api/staff/{scoped.hr.id}")
    assert r.status == 200
    assert r.data["phone_masked"] == "139****0011"
    assert "13900000011" not in r.raw.text
    assert r.data["roles"][0]["code"] == "hr_officer"
    for other in (org.fin_1, org.office_1, org.b_office_1):
        for path in (f"/api/staff/{other.id}", f"/api/staff/{other.id}/history"):
            got = hr.get(path)
            assert got.status == 404 and got.code == "STAFF_NOT_FOUND", (path, got)
    assert hr.get("/api/staff/999999").status == 404
    assert api.as_(org.hr_1).get(f"/api/staff/{org.hr_2.id}").status == 403


def test_create_validates_encrypts_and_audits(server, api, org, scoped):
    hr = api.as_(scoped.hr)
    r = hr.post("/api/staff", new_person(org.a_hr_files))
    assert r.status == 201, r
    assert r.data["phone_masked"] == "137****5678"
    assert r.data["id_no_masked"] == "110105********002X"
    assert "13712345678" not in r.raw.text and GOOD_ID not in r.raw.text
    row = raw(server, Staff.select().where(Staff.id == r.data["id"]))[0]
    assert "13712345678" not in row.phone_enc and GOOD_ID not in row.id_no_enc
    assert server.env.cipher.decrypt(row.phone_enc) == "13712345678"
    assert row.phone_hash == server.env.cipher.blind_index("13712345678")
    entry = last_audit(server, "staff.create")
    assert entry.after["phone"] == "137****5678" and entry.after["id_no"] == "110105********002X"
    assert "13712345678" not in str(entry.after) and entry.unit_id == org.a.id
    # Duplicate number, bad phone, bad check digit, bad dates, wrong types.
    assert hr.post("/api/staff", new_person(org.a_hr, phone=None, id_no=None)).code == "EMPLOYEE_NO_TAKEN"
    bad = hr.post("/api/staff", new_person(org.a_hr, employee_no="N2", phone="12345", id_no=GOOD_ID[:-1] + "1"))
    assert bad.status == 422 and set(bad.error["fields"]) == {"phone", "id_no"}
    bad = hr.post("/api/staff", new_person(org.a_hr, employee_no="N2", phone=None, id_no=None,
                                           hire_date="2010-01-01", first_employment_date="2012-01-01"))
    assert bad.status == 422 and "first_employment_date" in bad.error["fields"]
    bad = hr.post("/api/staff", {"employee_no": 5, "name": [], "department_id": "x", "hire_date": "2020-13-01"})
    assert bad.status == 422 and {"employee_no", "name", "department_id", "hire_date"} <= set(bad.error["fields"])
    assert hr.post("/api/staff", new_person(org.a_hr, employee_no="N3", id_no=None)).code == "PHONE_TAKEN"
    # Outside the department tree / other unit.
    for dept in (org.a_fin, org.b_office):
        r = hr.post("/api/staff", new_person(dept, employee_no="N9", phone=None, id_no=None))
        assert r.status == 404 and r.code == "DEPARTMENT_NOT_FOUND"


def test_patch_audits_masked_before_after(server, api, org, scoped, f):
    person = f.staff(org.a_hr, "待修改", phone="13800001111", id_no=GOOD_ID2)
    hr = api.as_(scoped.hr)
    r = hr.patch(f"/api/staff/{person.id}", {"name": "已修改", "phone": "13800002222"})
    assert r.status == 200, r
    assert r.data["name"] == "已修改" and r.data["phone_masked"] == "138****2222"
    entry = last_audit(server, "staff.update")
    assert entry.before == {"name": "待修改", "phone": "138****1111"}
    assert entry.after == {"name": "已修改", "phone": "138****2222"}
    assert "13800002222" not in str(entry.after)
    row = raw(server, Staff.select().where(Staff.id == person.id))[0]
    assert server.env.cipher.decrypt(row.phone_enc) == "13800002222"
    assert hr.patch(f"/api/staff/{person.id}", {"department_id": org.a_fin.id}).status == 422
    assert hr.patch(f"/api/staff/{person.id}", {"phone": "abc"}).code == "VALIDATION_FAILED"
    assert hr.patch(f"/api/staff/{person.id}", {"name": None}).status == 422
    assert hr.patch(f"/api/staff/{person.id}", {}).code == "NOTHING_TO_UPDATE"
    for other in (org.fin_1, org.b_office_1):
        assert hr.patch(f"/api/staff/{other.id}", {"name": "抢"}).status == 404


def test_transfer_keeps_history_and_needs_reach_over_both(server, api, org, scoped):
    hr = api.as_(scoped.hr)
    url = f"/api/staff/{org.hr_1.id}/transfer"
    body = {"department_id": org.a_hr_files.id, "effective_date": "2026-11-01", "reason": "工作需要"}
    r = hr.post(url, body)
    assert r.status == 200 and r.data["department"]["name"] == "档案组"
    assert hr.post(url, body).code == "SAME_DEPARTMENT"
    # Into a department outside the reach, or for someone outside it: 404.
    assert hr.post(url, {**body, "department_id": org.a_fin.id}).status == 404
    assert hr.post(f"/api/staff/{org.fin_1.id}/transfer", body).status == 404
    assert hr.post(url, {"department_id": org.a_hr.id}).status == 422
    # Across units needs reach over both units.
    boss = api.as_(org.a_hr_officer)
    assert boss.post(url, {**body, "department_id": org.b_office.id}).status == 404
    hist = hr.get(f"/api/staff/{org.hr_1.id}/history")
    assert hist.status == 200 and hist.data[0]["from_department"]["name"] == "人事科"
    assert hist.data[0]["to_department"]["name"] == "档案组" and hist.data[0]["reason"] == "工作需要"
    entry = last_audit(server, "staff.transfer")
    assert entry.before["department_id"] == org.a_hr.id
    assert entry.after["department_id"] == org.a_hr_files.id
    assert raw(server, StaffTransfer.select().where(StaffTransfer.staff == org.hr_1.id))[0].kind == "transfer"


def test_cross_unit_transfer_with_reach_over_both(server, api, org, f):
    both = f.staff(org.a_office, "上级人事处", employee_no="BOTH-HR")
    f.grant(both, "hr_officer", "all")
    r = api.as_(both).post(f"/api/staff/{org.fin_2.id}/transfer",
                           {"department_id": org.b_office.id, "effective_date": "2026-11-02"})
    assert r.status == 200 and r.data["unit"]["name"] == "乙局"
    assert {e.unit_id for e in audits(server, "staff.transfer") + audits(server, "staff.transfer_out")} == {org.a.id, org.b.id}
    # Now the A officer no longer sees them, the B officer does.
    assert api.as_(org.a_hr_officer).get(f"/api/staff/{org.fin_2.id}").status == 404
    assert api.as_(org.b_hr_officer).get(f"/api/staff/{org.fin_2.id}").status == 200


def test_retire_revokes_sessions(server, api, org, scoped):
    victim = api.as_(org.files_2)
    assert victim.get("/api/me").status == 200
    hr = api.as_(scoped.hr)
    r = hr.post(f"/api/staff/{org.files_2.id}/retire", {"effective_date": "2026-12-01", "reason": "到龄退休"})
    assert r.status == 200 and r.data["status"] == "retired"
    assert victim.get("/api/me").status == 401
    assert hr.post(f"/api/staff/{org.files_2.id}/retire", {"effective_date": "2026-12-01"}).code == "STAFF_NOT_ACTIVE"
    assert hr.post(f"/api/staff/{org.fin_2.id}/retire", {"effective_date": "2026-12-01"}).status == 404
    assert hr.post(f"/api/staff/{org.b_office_2.id}/retire", {"effective_date": "2026-12-01"}).status == 404
    assert hr.get(f"/api/staff/{org.files_2.id}/history").data[0]["kind"] == "retire"
    entry = last_audit(server, "staff.retire")
    assert entry.before == {"status": "active"} and entry.after["status"] == "retired"
    assert [s["name"] for s in hr.get("/api/staff?status=retired").data] == ["档案组职工二"]


def test_concurrent_posts(server, api, org, scoped, f):
    hr = api.as_(scoped.hr)
    r = hr.post(f"/api/staff/{org.hr_2.id}/posts",
                {"department_id": org.a_hr_files.id, "kind": "concurrent", "start_date": "2026-01-01"})
    assert r.status == 201, r
    post_id = r.data["id"]
    assert r.data["department"]["name"] == "档案组"
    assert hr.post(f"/api/staff/{org.hr_2.id}/posts",
                   {"department_id": org.a_hr_files.id, "kind": "concurrent",
                    "start_date": "2026-01-01"}).code == "POST_EXISTS"
    assert hr.post(f"/api/staff/{org.hr_2.id}/posts",
                   {"department_id": org.a_hr.id, "kind": "concurrent",
                    "start_date": "2026-01-01"}).code == "POST_IS_PRIMARY"
    assert hr.post(f"/api/staff/{org.hr_2.id}/posts",
                   {"department_id": org.a_fin.id, "kind": "concurrent",
                    "start_date": "2026-01-01"}).status == 404
    assert hr.post(f"/api/staff/{org.hr_2.id}/posts",
                   {"department_id": org.a_hr_files.id, "kind": "borrowed",
                    "start_date": "2026-01-01"}).status == 422
    assert hr.post(f"/api/staff/{org.fin_1.id}/posts",
                   {"department_id": org.a_hr.id, "kind": "secondment",
                    "start_date": "2026-01-01"}).status == 404
    assert last_audit(server, "staff.post_add").after["department_id"] == org.a_hr_files.id
    # A post outside the reach cannot be ended by the department officer.
    outside = f.post(org.hr_1, org.a_fin)
    assert hr.delete(f"/api/staff/{org.hr_1.id}/posts/{outside.id}").status == 404
    assert hr.delete(f"/api/staff/{org.fin_1.id}/posts/{post_id}").status == 404
    d = hr.delete(f"/api/staff/{org.hr_2.id}/posts/{post_id}")
    assert d.status == 200 and d.data["active"] is False
    assert hr.delete(f"/api/staff/{org.hr_2.id}/posts/{post_id}").code == "POST_NOT_FOUND"
    assert raw(server, StaffPost.select().where(StaffPost.id == post_id))[0].active is False
    assert last_audit(server, "staff.post_end").before["active"] is True


def test_export_csv_and_xlsx_masked_and_scoped(server, api, org, scoped, f):
    f.staff(org.a_hr, "导出人", phone="13512345678", id_no=GOOD_ID2)
    hr = api.as_(scoped.hr)
    r = hr.get("/api/staff/export?format=csv")
    assert r.status == 200 and r.headers["Content-Type"].startswith("text/csv")
    text = r.raw.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["工号", "姓名", "单位"]
    assert {row[3] for row in rows[1:]} == {"人事科", "档案组"}
    assert "135****5678" in text and "13512345678" not in text and GOOD_ID2 not in text
    x = hr.get("/api/staff/export?format=xlsx")
    assert x.status == 200
    from openpyxl import load_workbook
    ws = load_workbook(io.BytesIO(x.raw.content)).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][0] == "工号" and len(values) == len(rows)
    assert hr.get("/api/staff/export?format=pdf").status == 422
    assert hr.get(f"/api/staff/export?department_id={org.a_fin.id}").status == 404
    assert last_audit(server, "staff.export").after["count"] == len(rows) - 1
    # data_checker holds staff.view but not staff.export.
    assert api.as_(org.a_checker).get("/api/staff/export").status == 403


def test_unit_that_needs_guomi_gets_sm4_ciphertext(server, api, org):
    """A unit with crypto_algorithm=sm4gcm has its people's phone and ID written with SM4-GCM."""
    import base64

    from models.org import Staff, Unit
    from server.crypto import PiiCipher

    sm4 = "gm1:sm4gcm:" + base64.b64encode(b"s" * 16).decode()
    old = server.env.cipher
    server.env.cipher = PiiCipher(server.config.security.pii_keys + "," + sm4,
                                  server.config.security.pii_index_key)
    try:
        server.run(Unit.update(crypto_algorithm="sm4gcm").where(Unit.id == org.a.id).aexecute())
        r = api.as_(org.a_hr_officer).post("/api/staff", {
            "employee_no": "GM01", "name": "国密测试", "department_id": org.a_office.id,
            "phone": "13700001111", "id_no": "11010519491231002X"})
        assert r.status == 201, r
        assert r.data["phone_masked"] == "137****1111"
        row = server.run(Staff.aget(Staff.id == r.data["id"]))
        assert row.phone_enc.startswith("gm1:") and row.id_no_enc.startswith("gm1:")
        assert server.env.cipher.decrypt(row.phone_enc) == "13700001111"
    finally:
        server.env.cipher = old


def test_declared_inputs_answer_422_with_the_field(api, org, f):
    """The staff contract (handlers/schemas/staff.py): missing field, wrong type, id out of range,
    bad enum, unknown field on PATCH — 422 VALIDATION_FAILED keyed by the field, nothing written."""
    hr = api.as_(org.a_hr_officer)
    before = hr.get("/api/staff?page_size=1").json["total"]
    r = hr.post("/api/staff", {"employee_no": "C1", "department_id": org.a_hr.id})
    assert (r.status, r.code) == (422, "VALIDATION_FAILED") and r.error["fields"] == {"name": "必填"}
    r = hr.post("/api/staff", new_person(org.a_hr, employee_no="C1", department_id=0, gender="X",
                                         hire_date=20200701))
    assert r.status == 422 and r.error["fields"] == {
        "department_id": "不能小于 1", "gender": "取值不在允许范围内：M、F",
        "hire_date": "应为日期 YYYY-MM-DD"}
    assert hr.get("/api/staff?page_size=1").json["total"] == before
    r = hr.get("/api/staff?status=gone&department_id=x")
    assert r.status == 422 and set(r.error["fields"]) == {"status", "department_id"}
    r = hr.get("/api/staff?page_size=201")
    assert r.status == 422 and r.error["fields"] == {"page_size": "不能大于 200"}
    r = hr.get("/api/staff/export?format=pdf")
    assert r.status == 422 and r.error["fields"] == {"format": "取值不在允许范围内：csv、xlsx"}
    r = hr.patch(f"/api/staff/{org.hr_1.id}", {"name": "改", "department_id": org.a_fin.id})
    assert r.status == 422 and r.error["fields"] == {"department_id": "不允许的字段"}
    r = hr.post(f"/api/staff/{org.hr_1.id}/posts", {"department_id": org.a_fin.id, "kind": "part_time",
                                                      "start_date": "2026-01-01"})
    assert r.status == 422 and r.error["fields"] == {"kind": "取值不在允许范围内：concurrent、secondment"}
    r = hr.post(f"/api/staff/{org.hr_1.id}/transfer", {"department_id": 2**63, "effective_date": "2026-11-01"})
    assert r.status == 422 and r.error["fields"] == {"department_id": f"不能大于 {2**63 - 1}"}
    r = hr.post(f"/api/staff/{org.hr_1.id}/retire", {"effective_date": "1800-01-01"})
    assert r.status == 422 and r.error["fields"] == {"effective_date": "日期应在 1900-01-01 至 2100-12-31 之间"}
    assert hr.get(f"/api/staff/{org.hr_1.id}").data["status"] == "active"
