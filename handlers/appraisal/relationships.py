"""Declared relationships (亲属关系) for recusal: one's own in the profile, HR's for people in reach."""
from handlers.base import ApiHandler
from handlers.contract import api
from handlers.schemas.appraisal import relationships as s
from services.appraisal import relationships


class MyRelationshipsHandler(ApiHandler):
    """我的亲属关系（用于考核评分回避）：本人登记的，以及他人登记时列出本人的。"""

    @api(response=list[s.RelationshipOut])
    async def get(self):
        self.write_data(await relationships.my_relationships(actor=self.principal))

    @api(body=s.RelationshipIn, response=s.RelationshipOut, status=201)
    async def post(self, *, body):
        """登记亲属关系（按工号和姓名指明亲属）。"""
        self.write_data(await relationships.declare_mine(
            actor=self.principal, employee_no=body.relative_employee_no, name=body.relative_name,
            kind=body.kind, note=body.note), status=201)


class MyRelationshipHandler(ApiHandler):
    """撤销本人登记的亲属关系（记录保留）。"""

    @api(response=s.RelationshipOut)
    async def delete(self, relationship_id):
        self.write_data(await relationships.revoke_mine(actor=self.principal,
                                                        relationship_id=int(relationship_id)))


class StaffRelationshipsHandler(ApiHandler):
    """某人的亲属关系（人事部门，管理范围内）。"""

    @api(response=list[s.RelationshipOut])
    async def get(self, staff_id):
        self.write_data(await relationships.staff_relationships(actor=self.principal, staff_id=int(staff_id)))

    @api(body=s.RelationshipIn, response=s.RelationshipOut, status=201)
    async def post(self, staff_id, *, body):
        """人事部门为某人登记亲属关系。"""
        self.write_data(await relationships.add_for_staff(
            actor=self.principal, staff_id=int(staff_id), employee_no=body.relative_employee_no,
            name=body.relative_name, kind=body.kind, note=body.note), status=201)


class StaffRelationshipHandler(ApiHandler):
    """人事部门撤销某人的亲属关系（记录保留）。"""

    @api(response=s.RelationshipOut)
    async def delete(self, staff_id, relationship_id):
        self.write_data(await relationships.revoke_for_staff(
            actor=self.principal, staff_id=int(staff_id), relationship_id=int(relationship_id)))


default_handlers = [
    (r"/api/appraisal/me/relationships", MyRelationshipsHandler),
    (r"/api/appraisal/me/relationships/(\d+)", MyRelationshipHandler),
    (r"/api/appraisal/staff/(\d+)/relationships", StaffRelationshipsHandler),
    (r"/api/appraisal/staff/(\d+)/relationships/(\d+)", StaffRelationshipHandler),
]
