"""Staff import over HTTP: every row validated first; one bad row imports nothing."""
import io

from models.org import Position, Rank, Staff
from tests.org.util import audits, raw

HEADER = "工号,姓名,部门,职务,职级,性别,手机号,身份证号,入职日期,参加工作时间\n"
ID1 = "11010519491231002X"
ID2 = "110101199003074477"


def upload(client, content, name="staff.csv"):
    return client.request("POST", "/api/staff/import", files={"file": (name, content)})


def seed_rank(server):
    """The national rank list is seeded at migration; make sure the one the files use is there."""
    assert server.run(Rank.aget_or_none(Rank.name == "一级科员")) is not None


def test_good_csv_with_bom_imports_everyone(server, api, org, scoped):
    seed_rank(server)
    body = HEADER + (f"I001,导入一,人事科/档案组,科员,一级科员,男,13711110001,{ID1},2020-07-01,2018-07-01\n"
                     "I002,导入二,档案组,,,女,,,2021/3/1,\n"
                     "\n"
                     "I003,导入三,人事科,,,,,,,\n")
    r = upload(api.as_(scoped.hr), ("\ufeff" + body).encode())
    assert r.status == 201, r
    assert r.data["imported"] == 3 and len(r.data["ids"]) == 3
    rows = {s.employee_no: s for s in raw(server, Staff.select().where(Staff.employee_no.startswith("I0")))}
    assert rows["I001"].department_id == org.a_hr_files.id and rows["I001"].gender == "M"
    assert rows["I002"].department_id == org.a_hr_files.id and str(rows["I002"].hire_date) == "2021-03-01"
    assert rows["I003"].department_id == org.a_hr.id and rows["I003"].unit_id == org.a.id
    assert "13711110001" not in rows["I001"].phone_enc
    assert server.env.cipher.decrypt(rows["I001"].id_no_enc) == ID1
    assert raw(server, Position.select().where(Position.name == "科员"))[0].unit_id == org.a.id
    entries = audits(server, "staff.import")
    assert len(entries) == 3 and entries[0].after["phone"] == "137****0001"
    assert all(e.actor == scoped.hr.id for e in entries)


def test_any_bad_row_imports_nothing(server, api, org, scoped, f):
    f.staff(org.a_hr, "已有人", employee_no="OLD1", phone="13799990000")
    body = HEADER + ("J001,好人,人事科,,,,,,,\n"
                     "J002,,人事科,,,,,,,\n"                              # row 3: no name
                     "J003,坏手机,人事科,,,,12345,,,\n"                     # row 4
                     "J004,坏身份证,人事科,,,,,110105194912310021,,\n"      # row 5: check digit
                     "J001,重复工号,档案组,,,,,,,\n"                        # row 6
                     "OLD1,库里已有,人事科,,,,,,,\n"                        # row 7
                     "J007,别的科,财务科,,,,,,,\n"                          # row 8: outside reach
                     "J008,不存在,宣传科,,,,,,,\n"                          # row 9
                     "J009,坏日期,人事科,,,,,,2020-02-30,\n"               # row 10
                     "J010,撞手机,人事科,,,,13799990000,,,\n"               # row 11
                     "J011,坏职级,人事科,,二十级,,,,,\n")                   # row 12
    r = upload(api.as_(scoped.hr), body.encode())
    assert r.status == 422 and r.code == "IMPORT_ROWS_INVALID", r
    bad = {x["row"]: x["reason"] for x in r.error["fields"]["rows"]}
    assert set(bad) == {3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
    assert "姓名" in bad[3] and "手机号" in bad[4] and "身份证号" in bad[5]
    assert "第 2 行重复" in bad[6] and "已被系统" in bad[7] and "管理范围" in bad[8]
    assert "不存在" in bad[9] and "入职日期" in bad[10] and "手机号" in bad[11] and "职级" in bad[12]
    assert raw(server, Staff.select().where(Staff.employee_no.startswith("J0"))) == []
    assert audits(server, "staff.import") == []


def test_xlsx_import_and_file_errors(server, api, org, scoped):
    from openpyxl import Workbook
    import datetime
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.strip().split(","))
    ws.append(["X001", "表格一", "档案组", None, None, "女", 13711112222, ID2,
               datetime.datetime(2019, 9, 1), datetime.date(2019, 7, 1)])
    buf = io.BytesIO()
    wb.save(buf)
    hr = api.as_(scoped.hr)
    r = upload(hr, buf.getvalue(), "staff.xlsx")
    assert r.status == 201, r
    row = raw(server, Staff.select().where(Staff.employee_no == "X001"))[0]
    assert server.env.cipher.decrypt(row.phone_enc) == "13711112222" and str(row.hire_date) == "2019-09-01"
    assert upload(hr, b"x", "staff.pdf").code == "IMPORT_FILE_TYPE"
    assert upload(hr, b"not a zip", "staff.xlsx").code == "IMPORT_FILE_INVALID"
    assert upload(hr, "工号,姓名\n1,2\n".encode(), "a.csv").code == "IMPORT_COLUMNS_MISSING"
    assert upload(hr, "工号,姓名,部门\n".encode("gbk") + "1,张,人事科\n".encode("gbk"), "a.csv").status == 422
    assert hr.post("/api/staff/import", {}).code == "IMPORT_FILE_MISSING"
    # Without staff.import: 403; the other unit's officer cannot import into A's departments.
    assert upload(api.as_(org.a_checker), HEADER.encode()).status == 403
    r = upload(api.as_(org.b_hr_officer), (HEADER + "Y001,乙,人事科,,,,,,,\n").encode())
    assert r.code == "IMPORT_ROWS_INVALID"


def test_control_characters_in_a_name_refuse_the_row_and_import_nothing(server, api, org, scoped):
    body = HEADER + ("I101,正常人,人事科,,,,,,,\n"
                     "I102,=坏\x07名,人事科,,,,,,,\n")
    r = upload(api.as_(scoped.hr), body.encode())
    assert r.status == 422, r
    assert "控制字符" in str(r.error), r
    assert raw(server, Staff.select().where(Staff.employee_no.in_(["I101", "I102"]))) == []
