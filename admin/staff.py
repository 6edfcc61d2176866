"""Staff pages (人员管理): search and list within scope, create, edit, transfer, retire,
bulk import (all rows or none), export, and the printable binding-invite QR."""
import datetime
import math
import urllib.parse

from typing import Literal

from admin.base import AdminHandler
from admin.forms import Form, parse_form
from handlers.contract import Day, Id
from handlers.schemas.textrules import text
from server.errors import ApiError, Invalid
from services import admin_auth, binding
from services import org as org_service
from services import staff as staff_service
from services import staff_import, staff_transfers

PAGE_SIZE = 20
STATUS_LABELS = staff_service.STATUS_LABELS
PERSON_FIELDS = ("employee_no", "name", "department_id", "position_id", "rank_id", "gender",
                 "phone", "id_no", "hire_date", "first_employment_date")


class PersonForm(Form):
    """The edit form (the department changes by transfer)."""
    employee_no: text(32)
    name: text(50)
    position_id: Id | None = None
    rank_id: Id | None = None
    gender: Literal["M", "F"] | None = None
    phone: text(20) | None = None
    id_no: text(18) | None = None
    hire_date: Day | None = None
    first_employment_date: Day | None = None


class NewPersonForm(PersonForm):
    department_id: Id


class TransferForm(Form):
    department_id: Id
    effective_date: Day
    reason: text(255, min_length=0) = ""


class RetireForm(Form):
    effective_date: Day
    reason: text(255, min_length=0) = ""


class StaffPage(AdminHandler):
    required = ("staff.view",)
    denied_tiers = ("security", "audit")

    async def choices(self):
        """Departments, positions and ranks for the form selects (all within reach)."""
        depts = await org_service.list_departments(env=self.env, actor=self.principal, flat=True,
                                                   include_closed=False)
        positions = await org_service.list_positions(env=self.env, actor=self.principal)
        ranks = await org_service.list_ranks(env=self.env, actor=self.principal)
        return {"departments": depts, "positions": positions, "ranks": ranks}


class StaffListHandler(StaffPage):
    """人员列表：按姓名、工号、手机号或身份证号检索，限于数据范围。"""

    async def get(self):
        q = self.get_query_argument("q", "").strip()[:50]
        status = self.get_query_argument("status", "active")
        status = status if status in STATUS_LABELS or status == "" else "active"
        department_id = self.int_arg("department_id")
        page = max(1, self.int_arg("page", 1) or 1)
        rows, total = await staff_service.list_staff(
            env=self.env, actor=self.principal, q=q or None, department_id=department_id,
            status=status or None, page=page, page_size=PAGE_SIZE)
        depts = await org_service.list_departments(env=self.env, actor=self.principal, flat=True)
        pages = max(1, math.ceil(total / PAGE_SIZE))
        query = {"q": q, "status": status, "department_id": department_id or ""}
        await self.page("staff/list.html", rows=rows, total=total, page=page, pages=pages,
                        q=q, status=status, department_id=department_id, departments=depts,
                        status_labels=STATUS_LABELS,
                        qs=lambda **kw: urllib.parse.urlencode({**query, **kw}))


class StaffNewHandler(StaffPage):
    """新增人员。"""
    required = ("staff.manage",)

    async def get(self):
        await self.page("staff/form.html", person=None, form={}, **await self.choices())

    async def post(self):
        form = self.form_args(*PERSON_FIELDS)
        try:
            body = parse_form(self, NewPersonForm, form).model_dump()
            person = await staff_service.create_staff(env=self.env, actor=self.principal, **body)
        except ApiError as exc:
            self.set_status(exc.status)
            await self.page("staff/form.html", person=None, form=form, error=exc.message,
                            errors=exc.fields, **await self.choices())
            return
        self.flash(f"已新增人员：{person['name']}")
        self.redirect(f"/admin/staff/{person['id']}")


class StaffDetailHandler(StaffPage):
    """人员详情与编辑。"""

    async def get(self, staff_id):
        person = await staff_service.get_staff(env=self.env, actor=self.principal,
                                               staff_id=int(staff_id))
        await self.page("staff/form.html", person=person, form={}, **await self.choices())

    async def post(self, staff_id):
        self.principal.require("staff.manage")
        person = await staff_service.get_staff(env=self.env, actor=self.principal,
                                               staff_id=int(staff_id))
        form = {k: self.get_body_argument(k, "").strip() for k in PERSON_FIELDS
                if k != "department_id"}
        try:
            body = parse_form(self, PersonForm, {k: v for k, v in form.items() if v != ""}).model_dump()
            changes = {}
            for key, value in body.items():
                current = person.get(key)
                if key in ("phone", "id_no"):
                    if value:  # masked on screen: an empty box keeps the stored value
                        changes[key] = value
                elif value != current:
                    changes[key] = value
            await staff_service.update_staff(env=self.env, actor=self.principal,
                                             staff_id=person["id"], changes=changes)
        except ApiError as exc:
            self.set_status(exc.status)
            await self.page("staff/form.html", person=person, form=form, error=exc.message,
                            errors=exc.fields, **await self.choices())
            return
        self.flash("已保存")
        self.redirect(f"/admin/staff/{person['id']}")


class StaffActionHandler(StaffPage):
    """调动（及撤销待生效的调动）、退休、打印绑定邀请码。"""
    required = ("staff.manage", "staff.invite")

    async def post(self, staff_id, action):
        staff_id = int(staff_id)
        if action == "invite":
            await self.invite(staff_id)
            return
        self.principal.require("staff.manage")
        if action == "cancel-transfer":
            await staff_transfers.cancel_transfer(env=self.env, actor=self.principal, staff_id=staff_id)
            self.flash("已撤销待生效的调动")
            self.redirect(f"/admin/staff/{staff_id}")
            return
        form = self.form_args("department_id", "effective_date", "reason")
        try:
            if action == "transfer":
                body = parse_form(self, TransferForm, form).model_dump()
                person = await staff_transfers.transfer_staff(
                    env=self.env, actor=self.principal, staff_id=staff_id, now=self.now(), **body)
                pending = person.get("pending_transfer")
                message = (f"已登记调动，{pending['effective_date']} 生效" if pending else "已办理调动")
            else:
                body = parse_form(self, RetireForm, form).model_dump()
                await staff_service.retire_staff(env=self.env, actor=self.principal,
                                                 staff_id=staff_id, **body)
                message = "已办理退休"
        except ApiError as exc:
            if exc.status == 404:
                raise
            person = await staff_service.get_staff(env=self.env, actor=self.principal,
                                                   staff_id=staff_id)
            self.set_status(exc.status)
            await self.page("staff/form.html", person=person, form={}, error=exc.message,
                            errors=exc.fields, **await self.choices())
            return
        self.flash(message)
        self.redirect(f"/admin/staff/{staff_id}")

    async def invite(self, staff_id):
        self.principal.require("staff.invite")
        person = await staff_service.get_staff(env=self.env, actor=self.principal,
                                               staff_id=staff_id)
        invite = await binding.issue_invite(env=self.env, actor=self.principal, staff_id=staff_id)
        await self.page("staff/invite.html", person=person, invite=invite,
                        qr_svg=admin_auth.qr_svg(invite["invite"], box_size=6))


class StaffImportHandler(StaffPage):
    """批量导入人员（CSV/XLSX）：任一行有误则全部不导入，并逐行列出原因。"""
    required = ("staff.import",)

    async def get(self):
        await self.page("staff/import.html", result=None, problems=[], columns=staff_import.COLUMNS,
                        required_columns=staff_import.REQUIRED)

    async def post(self):
        files = self.request.files.get("file") or []
        problems, result = [], None
        try:
            if not files or not files[0]["body"]:
                raise Invalid("请选择要导入的 CSV 或 XLSX 文件", code="IMPORT_FILE_MISSING")
            upload = files[0]
            result = await staff_import.import_upload(env=self.env, actor=self.principal,
                                                      filename=upload["filename"][:200],
                                                      content=upload["body"])
        except ApiError as exc:
            problems = exc.fields.get("rows") or []
            self.set_status(exc.status)
            await self.page("staff/import.html", result=None, problems=problems,
                            error=exc.message, columns=staff_import.COLUMNS,
                            required_columns=staff_import.REQUIRED)
            return
        await self.page("staff/import.html", result=result, problems=[],
                        columns=staff_import.COLUMNS, required_columns=staff_import.REQUIRED)


class StaffExportHandler(StaffPage):
    """导出人员（CSV/XLSX，个人信息已脱敏）。"""
    required = ("staff.export",)

    async def get(self):
        status = self.get_query_argument("status", "active")
        content, filename, ctype = await staff_service.export_staff(
            env=self.env, actor=self.principal,
            format=self.get_query_argument("format", "csv"),
            q=self.get_query_argument("q", "").strip()[:50] or None,
            department_id=self.int_arg("department_id"),
            status=status if status in STATUS_LABELS else None)
        self.send_file(content, filename, ctype)


def today():
    return datetime.date.today().isoformat()


default_handlers = [
    (r"/admin/staff", StaffListHandler),
    (r"/admin/staff/new", StaffNewHandler),
    (r"/admin/staff/import", StaffImportHandler),
    (r"/admin/staff/export", StaffExportHandler),
    (r"/admin/staff/(\d{1,12})", StaffDetailHandler),
    (r"/admin/staff/(\d{1,12})/(transfer|cancel-transfer|retire|invite)", StaffActionHandler),
]
