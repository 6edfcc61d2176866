"""Staff API: search, profile, create/edit, transfer, retire, history, concurrent posts, import, export."""

from handlers.base import ApiHandler
from handlers.org import int_query
from server.errors import BadRequest, Invalid
from server.validate import Date, Int, Str, validate
from services import staff, staff_import

PERSON_FIELDS = {
    "employee_no": Str(max_len=32), "name": Str(max_len=50),
    "position_id": Int(required=False, nullable=True), "rank_id": Int(required=False, nullable=True),
    "gender": Str(required=False, nullable=True, choices=("M", "F")),
    "phone": Str(required=False, nullable=True, max_len=20),
    "id_no": Str(required=False, nullable=True, max_len=18),
    "hire_date": Date(required=False, nullable=True),
    "first_employment_date": Date(required=False, nullable=True),
}


def _filters(handler):
    return {"q": handler.get_query_argument("q", None) or None,
            "department_id": int_query(handler, "department_id"),
            "status": handler.get_query_argument("status", None) or None}


class StaffListHandler(ApiHandler):
    """人员列表（?q=姓名/工号/手机号/身份证号&department_id=&status=&page=）；新建人员。"""

    async def get(self):
        page, size = self.page_args()
        rows, total = await staff.list_staff(env=self.env, actor=self.principal, page=page,
                                             page_size=size, **_filters(self))
        self.write_data(rows, page=page, total=total)

    async def post(self):
        body = validate(self.json_body(), {**PERSON_FIELDS, "department_id": Int()})
        self.write_data(await staff.create_staff(env=self.env, actor=self.principal, **body),
                        status=201)


class StaffHandler(ApiHandler):
    """人员详情（手机号、身份证号脱敏）；修改人员信息。"""

    async def get(self, staff_id):
        self.write_data(await staff.get_staff(env=self.env, actor=self.principal,
                                              staff_id=int(staff_id)))

    async def patch(self, staff_id):
        raw = self.json_body()
        schema = {k: (Str(max_len=f.max_len, required=False) if k in ("employee_no", "name") else f)
                  for k, f in PERSON_FIELDS.items()}
        unknown = sorted(set(raw) - set(schema))
        if unknown:
            raise Invalid("不能修改这些字段：" + "、".join(unknown) + "（调动请用 transfer）",
                          code="VALIDATION_FAILED", fields={k: "不可修改" for k in unknown})
        body = validate(raw, schema)
        changes = {k: body[k] for k in raw}
        if not changes:
            raise BadRequest("没有要修改的字段", code="NOTHING_TO_UPDATE")
        self.write_data(await staff.update_staff(env=self.env, actor=self.principal,
                                                 staff_id=int(staff_id), changes=changes))


class StaffTransferHandler(ApiHandler):
    """调动：更换主部门（可跨单位），保留调动记录。"""

    async def post(self, staff_id):
        body = validate(self.json_body(), {
            "department_id": Int(), "effective_date": Date(),
            "reason": Str(required=False, default="", max_len=255),
        })
        self.write_data(await staff.transfer_staff(env=self.env, actor=self.principal,
                                                   staff_id=int(staff_id), **body))


class StaffRetireHandler(ApiHandler):
    """办理退休：状态改为退休，结束兼职，注销其全部登录会话。"""

    async def post(self, staff_id):
        body = validate(self.json_body(), {
            "effective_date": Date(), "reason": Str(required=False, default="", max_len=255),
        })
        self.write_data(await staff.retire_staff(env=self.env, actor=self.principal,
                                                 staff_id=int(staff_id), **body))


class StaffHistoryHandler(ApiHandler):
    """调动与退休记录。"""

    async def get(self, staff_id):
        self.write_data(await staff.staff_history(env=self.env, actor=self.principal,
                                                  staff_id=int(staff_id)))


class StaffPostListHandler(ApiHandler):
    """新增兼职或挂职。"""

    async def post(self, staff_id):
        body = validate(self.json_body(), {
            "department_id": Int(), "kind": Str(choices=("concurrent", "secondment")),
            "start_date": Date(), "end_date": Date(required=False, nullable=True),
        })
        self.write_data(await staff.add_post(env=self.env, actor=self.principal,
                                             staff_id=int(staff_id), **body), status=201)


class StaffPostHandler(ApiHandler):
    """结束兼职或挂职（保留为历史）。"""

    async def delete(self, staff_id, post_id):
        self.write_data(await staff.end_post(env=self.env, actor=self.principal,
                                             staff_id=int(staff_id), post_id=int(post_id)))


class StaffExportHandler(ApiHandler):
    """导出人员（?format=csv|xlsx，手机号、身份证号脱敏）。"""

    async def get(self):
        fmt = self.get_query_argument("format", "csv")
        content, filename, ctype = await staff.export_staff(
            env=self.env, actor=self.principal, format=fmt, **_filters(self))
        self.send_file(content, filename, ctype)


class StaffImportHandler(ApiHandler):
    """批量导入人员（multipart 字段 file：.csv 或 .xlsx）；任一行有误则全部不导入。"""

    async def post(self):
        files = self.request.files.get("file")
        if not files:
            raise BadRequest("请上传文件（字段名 file）", code="IMPORT_FILE_MISSING")
        unit_id = self.get_body_argument("unit_id", None)
        try:
            unit_id = int(unit_id) if unit_id else None
        except ValueError:
            raise BadRequest("unit_id 应为整数", code="BAD_QUERY") from None
        upload = files[0]
        result = await staff_import.import_upload(env=self.env, actor=self.principal,
                                                  filename=upload["filename"],
                                                  content=upload["body"], unit_id=unit_id)
        self.write_data(result, status=201)


default_handlers = [
    (r"/api/staff", StaffListHandler),
    (r"/api/staff/export", StaffExportHandler),
    (r"/api/staff/import", StaffImportHandler),
    (r"/api/staff/(\d+)", StaffHandler),
    (r"/api/staff/(\d+)/transfer", StaffTransferHandler),
    (r"/api/staff/(\d+)/retire", StaffRetireHandler),
    (r"/api/staff/(\d+)/history", StaffHistoryHandler),
    (r"/api/staff/(\d+)/posts", StaffPostListHandler),
    (r"/api/staff/(\d+)/posts/(\d+)", StaffPostHandler),
]
