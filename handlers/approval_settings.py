"""Per-unit approval settings over HTTP (approval.flow.manage over the unit)."""
from handlers.base import ApiHandler
from handlers.contract import api
from handlers.schemas import approval_settings as s
from services import approval_settings


class ApprovalSettingsHandler(ApiHandler):
    """单位审批设置：单位主要负责人本人申请的最终环节。"""

    @api(response=s.ApprovalSettingsOut)
    async def get(self, unit_id):
        """单位审批设置（未设置时为默认：报备单位领导班子）。"""
        self.write_data(await approval_settings.get_settings(actor=self.principal, unit_id=int(unit_id)))

    @api(body=s.ApprovalSettingsUpdate, response=s.ApprovalSettingsOut)
    async def put(self, unit_id, *, body):
        """修改单位主要负责人本人申请的去向（报备领导班子、指定人员或上级机关联系人）。"""
        self.write_data(await approval_settings.save_settings(
            actor=self.principal, unit_id=int(unit_id), **body.model_dump()))


default_handlers = [
    (r"/api/approval-settings/(\d{1,12})", ApprovalSettingsHandler),
]
