"""Staff API: search, profile, create/edit, transfer, retire, history, concurrent posts, import, export."""
import pydantic

from handlers.base import ApiHandler
from handlers.contract import CSV, XLSX, api, explicit, validation_error
from handlers.schemas import staff as s
from server.errors import BadRequest
from services import staff, staff_import, staff_transfers


def _filters(query):
    return {"q": query.q or None, "department_id": query.department_id, "status": query.status}


class StaffListHandler(ApiHandler):
    """人员列表（?q=姓名/工号/手机号/身份证号&department_id=&status=&page=）；新建人员。"""

    @api(query=s.StaffListQuery, response=list[s.MeStaffOut], paged=True)
    async def get(self, *, query):
        """人员列表（按姓名、工号、手机号、身份证号搜索，限本人数据范围）。"""
        rows, total = await staff.list_staff(env=self.env, actor=self.principal, page=query.page,
                                             page_size=query.page_size, **_filters(query))
        self.write_data(rows, page=query.page, total=total)

    @api(body=s.StaffCreate, response=s.StaffOut, status=201)
    async def post(self, *, body):
        """新建人员。"""
        self.write_data(await staff.create_staff(env=self.env, actor=self.principal,
                                                 **body.model_dump()), status=201)


class StaffHandler(ApiHandler):
    """人员详情（手机号、身份证号脱敏）；修改人员信息。"""

    @api(response=s.StaffOut)
    async def get(self, staff_id):
        """人员详情（手机号、身份证号脱敏）。"""
        self.write_data(await staff.get_staff(env=self.env, actor=self.principal,
                                              staff_id=int(staff_id)))

    @api(body=s.StaffUpdate, response=s.StaffOut)
    async def patch(self, staff_id, *, body):
        """修改人员信息（只改传入的字段；调动请用 transfer）。"""
        changes = explicit(body)
        if not changes:
            raise BadRequest("没有要修改的字段", code="NOTHING_TO_UPDATE")
        self.write_data(await staff.update_staff(env=self.env, actor=self.principal,
                                                 staff_id=int(staff_id), changes=changes))


class StaffTransferHandler(ApiHandler):
    """调动：更换主部门（可跨单位），保留调动记录；生效日期在今天之后的先登记，到日自动生效。"""

    @api(body=s.StaffTransfer, response=s.StaffTransferOut)
    async def post(self, staff_id, *, body):
        """办理调动（生效日期晚于今天：登记为待生效，见 pending_transfer）。"""
        self.write_data(await staff_transfers.transfer_staff(
            env=self.env, actor=self.principal, staff_id=int(staff_id), now=self.now(),
            **body.model_dump()))

    @api(response=s.StaffOut)
    async def delete(self, staff_id):
        """撤销尚未生效的调动。"""
        self.write_data(await staff_transfers.cancel_transfer(env=self.env, actor=self.principal,
                                                              staff_id=int(staff_id)))


class StaffRetireHandler(ApiHandler):
    """办理退休：状态改为退休，结束兼职，注销其全部登录会话。"""

    @api(body=s.StaffRetire, response=s.StaffOut)
    async def post(self, staff_id, *, body):
        self.write_data(await staff.retire_staff(env=self.env, actor=self.principal,
                                                 staff_id=int(staff_id), now=self.now(),
                                                 **body.model_dump()))


class StaffHistoryHandler(ApiHandler):
    """调动与退休记录。"""

    @api(response=list[s.StaffHistoryOut])
    async def get(self, staff_id):
        self.write_data(await staff.staff_history(env=self.env, actor=self.principal,
                                                  staff_id=int(staff_id)))


class StaffPostListHandler(ApiHandler):
    """新增兼职或挂职。"""

    @api(body=s.StaffPostCreate, response=s.StaffPostOut, status=201)
    async def post(self, staff_id, *, body):
        self.write_data(await staff.add_post(env=self.env, actor=self.principal,
                                             staff_id=int(staff_id), **body.model_dump()), status=201)


class StaffPostHandler(ApiHandler):
    """结束兼职或挂职（保留为历史）。"""

    @api(response=s.StaffPostEndOut)
    async def delete(self, staff_id, post_id):
        self.write_data(await staff.end_post(env=self.env, actor=self.principal,
                                             staff_id=int(staff_id), post_id=int(post_id)))


class StaffExportHandler(ApiHandler):
    """导出人员（?format=csv|xlsx，手机号、身份证号脱敏）。"""

    @api(query=s.StaffExportQuery, produces=CSV, downloads=(XLSX,))
    async def get(self, *, query):
        content, filename, ctype = await staff.export_staff(
            env=self.env, actor=self.principal, format=query.format, **_filters(query))
        self.send_file(content, filename, ctype)


class StaffImportHandler(ApiHandler):
    """批量导入人员（multipart 字段 file：.csv 或 .xlsx；可选 unit_id）；任一行有误则全部不导入。"""

    # The contract parses a declared body as JSON, so the multipart fields are read here and the
    # text ones still go through their model (s.StaffImportForm).
    @api(response=s.StaffImportOut, status=201, form=True)
    async def post(self):
        files = self.request.files.get("file")
        if not files:
            raise BadRequest("请上传文件（字段名 file）", code="IMPORT_FILE_MISSING")
        fields = {k: v[-1].decode("utf-8", "replace") for k, v in self.request.body_arguments.items()
                  if k in s.StaffImportForm.model_fields and v and v[-1]}
        try:
            form = s.StaffImportForm.model_validate(fields)
        except pydantic.ValidationError as exc:
            raise validation_error(exc) from None
        upload = files[0]
        result = await staff_import.import_upload(env=self.env, actor=self.principal,
                                                  filename=upload["filename"],
                                                  content=upload["body"], unit_id=form.unit_id)
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
