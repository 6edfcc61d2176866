"""Scoped officers on top of the two-bureau org: department-tree HR, org manager and grantor."""
import types

import pytest


@pytest.fixture
def scoped(f, org):
    """People whose grants cover only 人事科 of bureau A (and 档案组 below it)."""
    s = types.SimpleNamespace()
    s.hr = f.staff(org.a_hr, "人事科专员", employee_no="A-HR-DEPT", phone="13900000011")
    f.grant(s.hr, "hr_officer", "dept_tree", dept=org.a_hr)
    s.mgr = f.staff(org.a_hr, "人事科组织员", employee_no="A-ORG-DEPT")
    f.grant(s.mgr, "sys_admin", "dept_tree", dept=org.a_hr)
    s.unit_mgr = f.staff(org.a_office, "甲局组织员", employee_no="A-ORG-UNIT")
    f.grant(s.unit_mgr, "sys_admin", "unit_tree", unit=org.a)
    return s
