"""Approval engine (flows, instances, tasks, timeline, cc, delegations) and leave/overtime."""
from models.approvals import (ApprovalCc, ApprovalDelegation, ApprovalEvent, ApprovalFlow,
                              ApprovalInstance, ApprovalTask)
from models.leave import (Attachment, LeaveBalance, LeaveBalanceAdjustment, LeaveRequest,
                          LeaveType, LieuCredit, LieuUse, OvertimeRequest)

TABLES = [ApprovalFlow, ApprovalInstance, ApprovalTask, ApprovalEvent, ApprovalCc,
          ApprovalDelegation, LeaveType, LeaveRequest, LeaveBalance, LeaveBalanceAdjustment,
          OvertimeRequest, LieuCredit, LieuUse, Attachment]


async def up(db):
    await db.acreate_tables(TABLES)
