"""Org structure API: unit and department trees within reach, writes scope-checked, audited."""
from models.org import Department, Staff
from tests.org.util import last_audit


def names(tree):
    out = []
    for n in tree:
        out.append(n["name"])
        out.extend(names(n.get("children", [])))
    return out


def test_units_tree_within_reach(api, org, f):
    sub = f.unit("甲局下属中心", "A-SUB", parent=org.a)
    f.dept(sub, "综合科")
    a = api.as_(org.a_hr_officer).get("/api/units")
    assert a.status == 200, a
    assert [u["name"] for u in a.data] == ["甲局"]
    assert [c["name"] for c in a.data[0]["children"]] == ["甲局下属中心"]
    b = api.as_(org.b_hr_officer).get("/api/units")
    assert names(b.data) == ["乙局"]
    # A plain member of staff has no org.view.
    r = api.as_(org.office_1).get("/api/units")
    assert r.status == 403 and r.code == "PERMISSION_DENIED"


def test_units_write_needs_org_manage_over_the_parent(api, org, scoped):
    hr = api.as_(org.a_hr_officer)
    assert hr.post("/api/units", {"name": "x", "code": "X"}).status == 403
    mgr = api.as_(scoped.unit_mgr)
    r = mgr.post("/api/units", {"name": "甲局直属中心", "code": "A-C", "parent_id": org.a.id})
    assert r.status == 201, r
    assert r.data["parent_id"] == org.a.id and r.data["path"].startswith(org.a.path)
    # Other unit's parent, or a top-level unit: not within a unit_tree reach.
    assert mgr.post("/api/units", {"name": "y", "code": "Y", "parent_id": org.b.id}).status == 404
    assert mgr.post("/api/units", {"name": "y", "code": "Y"}).status == 404
    assert mgr.post("/api/units", {"name": "z", "code": "A-C", "parent_id": org.a.id}).code == "UNIT_CODE_TAKEN"
    p = mgr.patch(f"/api/units/{org.a.id}", {"name": "甲局（新）"})
    assert p.status == 200 and p.data["name"] == "甲局（新）"
    assert mgr.patch(f"/api/units/{org.b.id}", {"name": "抢"}).status == 404



def test_departments_tree_and_flat_within_reach(api, org, scoped):
    r = api.as_(scoped.hr).get("/api/departments")
    assert r.status == 200, r
    assert names(r.data) == ["人事科", "档案组"]
    hr_node = r.data[0]
    assert hr_node["leader"]["name"] == "人事科负责人" and hr_node["staff_count"] >= 3
    flat = api.as_(org.a_hr_officer).get(f"/api/departments?unit_id={org.a.id}&flat=1")
    assert {d["name"] for d in flat.data} == {"局领导", "办公室", "人事科", "档案组", "财务科"}
    assert all("children" not in d or not d["children"] for d in flat.data)
    # The other unit's departments are not visible, and asking for them is a 404.
    assert api.as_(org.a_hr_officer).get(f"/api/departments?unit_id={org.b.id}").status == 404
    bad = api.as_(org.a_hr_officer).get("/api/departments?unit_id=abc")
    assert bad.status == 422 and bad.code == "VALIDATION_FAILED" and bad.error["fields"] == {"unit_id": "应为整数"}
    assert api.as_(scoped.hr).get(f"/api/departments/{org.a_fin.id}").status == 404
    assert api.as_(scoped.hr).get(f"/api/departments/{org.a_hr_files.id}").status == 200


def test_create_and_rename_department_scope_checked(server, api, org, scoped):
    mgr = api.as_(scoped.mgr)
    r = mgr.post("/api/departments", {"unit_id": org.a.id, "parent_id": org.a_hr.id,
                                      "name": "考核组", "sort": 2})
    assert r.status == 201, r
    assert r.data["parent_id"] == org.a_hr.id and r.data["unit_id"] == org.a.id
    new_id = r.data["id"]
    # Outside 人事科: another department, a top-level department, the other unit.
    assert mgr.post("/api/departments", {"unit_id": org.a.id, "parent_id": org.a_fin.id,
                                         "name": "x"}).status == 404
    assert mgr.post("/api/departments", {"unit_id": org.a.id, "name": "x"}).status == 404
    assert mgr.post("/api/departments", {"unit_id": org.b.id, "parent_id": org.b_office.id,
                                         "name": "x"}).status == 404
    # Parent in another unit than unit_id.
    um = api.as_(scoped.unit_mgr)
    bad = um.post("/api/departments", {"unit_id": org.b.id, "parent_id": org.a_hr.id, "name": "x"})
    assert bad.status in (404, 422)
    p = mgr.patch(f"/api/departments/{new_id}", {"name": "考核评价组", "sort": 1})
    assert p.status == 200 and p.data["name"] == "考核评价组" and p.data["sort"] == 1
    assert mgr.patch(f"/api/departments/{org.a_fin.id}", {"name": "抢"}).status == 404
    assert mgr.patch(f"/api/departments/{org.b_office.id}", {"name": "抢"}).status == 404
    # HR officers hold no org.manage at all.
    assert api.as_(scoped.hr).patch(f"/api/departments/{org.a_hr.id}", {"name": "x"}).status == 403
    entry = last_audit(server, "department.update")
    assert entry.before == {"name": "考核组", "sort": 2}
    assert entry.after == {"name": "考核评价组", "sort": 1}
    assert entry.actor == scoped.mgr.id and entry.unit_id == org.a.id
    assert last_audit(server, "department.create").after["name"] == "考核组"


def test_bad_department_input(api, org, scoped):
    mgr = api.as_(scoped.unit_mgr)
    r = mgr.post("/api/departments", {"unit_id": "x", "name": ""})
    assert r.status == 422 and r.code == "VALIDATION_FAILED"
    assert set(r.error["fields"]) == {"unit_id", "name"}
    r = mgr.request("POST", "/api/departments", data=b"{oops",
                    headers={"Content-Type": "application/json"})
    assert r.status == 400 and r.code == "BAD_JSON"
    assert mgr.post(f"/api/departments/{org.a_hr.id}/move", {}).code == "VALIDATION_FAILED"


def test_move_department_rewrites_subtree_and_refuses_cycles(server, api, org, f, scoped):
    deep = f.dept(org.a, "整理小组", parent=org.a_hr_files)
    mgr = api.as_(scoped.unit_mgr)
    r = mgr.post(f"/api/departments/{org.a_hr.id}/move", {"parent_id": deep.id})
    assert r.status == 409 and r.code == "DEPARTMENT_CYCLE"
    r = mgr.post(f"/api/departments/{org.a_hr.id}/move", {"parent_id": org.a_hr.id})
    assert r.code == "DEPARTMENT_CYCLE"
    r = mgr.post(f"/api/departments/{org.a_hr_files.id}/move", {"parent_id": org.a_office.id})
    assert r.status == 200, r

    async def paths():
        rows = await Department.select().where(Department.id.in_([org.a_hr_files.id, deep.id])).aexecute()
        return {d.id: (d.path, d.parent_id) for d in rows}
    p = server.run(paths())
    assert p[org.a_hr_files.id] == (f"{org.a_office.path}{org.a_hr_files.id}/", org.a_office.id)
    assert p[deep.id][0] == f"{org.a_office.path}{org.a_hr_files.id}/{deep.id}/"
    # Back to the top of the unit.
    r = mgr.post(f"/api/departments/{org.a_hr_files.id}/move", {"parent_id": None})
    assert r.status == 200 and r.data["parent_id"] is None and r.data["path"] == f"/{org.a_hr_files.id}/"
    entry = last_audit(server, "department.move")
    assert entry.before["parent_id"] == org.a_office.id and entry.after["parent_id"] is None


def test_move_needs_reach_over_department_and_target(api, org, scoped):
    mgr = api.as_(scoped.mgr)  # 人事科 subtree only
    assert mgr.post(f"/api/departments/{org.a_hr_files.id}/move",
                    {"parent_id": org.a_office.id}).status == 404
    assert mgr.post(f"/api/departments/{org.a_fin.id}/move",
                    {"parent_id": org.a_hr.id}).status == 404
    assert mgr.post(f"/api/departments/{org.a_hr_files.id}/move",
                    {"parent_id": None}).status == 404  # the unit's top is outside the reach
    um = api.as_(scoped.unit_mgr)
    assert um.post(f"/api/departments/{org.a_hr_files.id}/move",
                   {"parent_id": org.b_office.id}).status == 404


def test_close_only_when_empty(server, api, org, f, scoped):
    mgr = api.as_(scoped.unit_mgr)
    r = mgr.post(f"/api/departments/{org.a_hr.id}/close")
    assert r.status == 409 and r.code == "DEPARTMENT_NOT_EMPTY"
    assert set(r.error["fields"]) == {"staff", "children"}
    empty = f.dept(org.a, "临时组")
    someone = f.staff(org.a_fin, "兼职者")
    f.post(someone, empty)
    r = mgr.post(f"/api/departments/{empty.id}/close")
    assert r.code == "DEPARTMENT_NOT_EMPTY" and set(r.error["fields"]) == {"posts"}

    async def end_posts():
        from models.org import StaffPost
        await StaffPost.update(active=False).where(StaffPost.department == empty.id).aexecute()
    server.run(end_posts())
    r = mgr.post(f"/api/departments/{empty.id}/close")
    assert r.status == 200 and r.data["status"] == "closed"
    assert mgr.post(f"/api/departments/{empty.id}/close").code == "DEPARTMENT_CLOSED"
    assert api.as_(scoped.mgr).post(f"/api/departments/{org.a_fin.id}/close").status == 404
    assert last_audit(server, "department.close").after == {"status": "closed"}


def test_leadership_must_be_active_staff_of_the_unit(server, api, org, f, scoped):
    mgr = api.as_(scoped.mgr)
    url = f"/api/departments/{org.a_hr.id}/leadership"
    r = mgr.put(url, {"leader_id": org.hr_1.id, "deputy_ids": [org.hr_2.id],
                      "supervisor_id": org.a_deputy.id})
    assert r.status == 200, r
    assert r.data["leader"]["name"] == "人事科职工一"
    assert [d["name"] for d in r.data["deputies"]] == ["人事科职工二"]
    entry = last_audit(server, "department.leadership")
    assert entry.before["leader_id"] == org.hr_leader.id and entry.after["leader_id"] == org.hr_1.id
    bad = mgr.put(url, {"leader_id": org.b_head.id, "deputy_ids": [], "supervisor_id": None})
    assert bad.status == 422 and bad.code == "LEADER_NOT_IN_UNIT" and "leader_id" in bad.error["fields"]
    retired = f.staff(org.a_hr, "已退休", status="retired")
    bad = mgr.put(url, {"leader_id": org.hr_1.id, "deputy_ids": [retired.id]})
    assert bad.code == "LEADER_NOT_IN_UNIT" and "deputy_ids" in bad.error["fields"]
    assert mgr.put(f"/api/departments/{org.a_fin.id}/leadership",
                   {"leader_id": org.fin_1.id}).status == 404

    async def leader():
        return (await Department.aget(Department.id == org.a_hr.id)).leader_id
    assert server.run(leader()) == org.hr_1.id


def test_positions_and_ranks(server, api, org, scoped):
    um = api.as_(scoped.unit_mgr)
    r = um.post("/api/positions", {"unit_id": org.a.id, "name": "科长", "is_leading": True})
    assert r.status == 201 and r.data["is_leading"] is True
    assert um.post("/api/positions", {"unit_id": org.a.id, "name": "科长"}).code == "POSITION_TAKEN"
    assert um.post("/api/positions", {"unit_id": org.b.id, "name": "科长"}).status == 404
    assert api.as_(scoped.mgr).post("/api/positions", {"unit_id": org.a.id, "name": "x"}).status == 404
    a = api.as_(org.a_hr_officer).get("/api/positions")
    assert [p["name"] for p in a.data] == ["科长"]
    assert api.as_(org.b_hr_officer).get("/api/positions").data == []
    assert api.as_(org.b_hr_officer).get(f"/api/positions?unit_id={org.a.id}").status == 404

    # The national list (seeded at migration), highest grade first.
    ranks = api.as_(org.a_hr_officer).get("/api/ranks")
    names = [x["name"] for x in ranks.data]
    assert names[0] == "一级巡视员" and names[-1] == "二级科员" and len(names) == 12
    assert names.index("四级调研员") < names.index("一级科员")
    assert api.as_(org.hr_1).get("/api/ranks").status == 403


def test_move_to_other_unit_moves_its_people(server, api, org, f):
    boss = f.staff(org.a_office, "双局组织员", employee_no="AB-ORG")
    f.grant(boss, "sys_admin", "all")
    r = api.as_(boss).post(f"/api/departments/{org.a_hr_files.id}/move",
                           {"parent_id": org.b_office.id})
    assert r.status == 200 and r.data["unit_id"] == org.b.id

    async def unit_of():
        return (await Staff.aget(Staff.id == org.files_1.id)).unit_id
    assert server.run(unit_of()) == org.b.id
