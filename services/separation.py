"""Separation of duties on one's own record: a change to one's own entitlements (leave balance,
employment dates, rank, placement) needs someone else, whatever the caller's reach."""
from server.errors import Forbidden

SELF_ENTITLEMENT_MESSAGE = "不能办理涉及本人权益的变更（{what}），请由其他有权限的人员办理"


def refuse_own(actor, staff_id, what):
    """403 SELF_ENTITLEMENT_CHANGE when `staff_id` is the caller."""
    if staff_id is not None and staff_id == actor.id:
        raise Forbidden(SELF_ENTITLEMENT_MESSAGE.format(what=what), code="SELF_ENTITLEMENT_CHANGE")
