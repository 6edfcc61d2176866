"""Grantors on top of the two-bureau org."""
import types

import pytest


@pytest.fixture
def sec(f, org):
    """安全保密管理员 scopes: one over bureau A, one over 人事科 only."""
    s = types.SimpleNamespace()
    s.unit = f.staff(org.a_office, "甲局保密员", employee_no="A-SEC")
    f.grant(s.unit, "sec_admin", "unit_tree", unit=org.a)
    s.dept = f.staff(org.a_hr, "人事科保密员", employee_no="A-SEC-HR")
    f.grant(s.dept, "sec_admin", "dept_tree", dept=org.a_hr)
    return s
