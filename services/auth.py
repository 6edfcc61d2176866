"""Sign-in for the mini-program: the dev login (fake mode only), logout, session issue."""
from models.base import atomic
from server.errors import NotFound, Unauthorized
from services import audit
from services.access import load_principal
from services.people import find_staff_by_employee_no, me_out
from services.sessions import create_session, hit_rate_limit, revoke_session


async def check_login_rate(*, env, ip, account):
    sec = env.config.security
    await hit_rate_limit(env.redis, f"login-ip:{ip}", limit=sec.login_rate_per_ip, window_seconds=60)
    if account:
        await hit_rate_limit(env.redis, f"login-acct:{account}", limit=sec.login_rate_per_account,
                             window_seconds=60)


async def issue_session(*, env, staff, ip, request_id, method):
    """Create a mini-program session for an active person and audit the sign-in."""
    principal = await load_principal(staff.id)
    if principal is None or staff.status != "active":
        raise Unauthorized("该账号已停用", code="ACCOUNT_DISABLED")
    principal.ip, principal.request_id = ip, request_id
    ttl = env.config.security.session_ttl_hours * 3600
    token, record = await create_session(env.redis, staff_id=staff.id, kind="mp", ttl_seconds=ttl)
    async with atomic():
        await audit.record(actor=principal, action="auth.login", target_type="staff",
                           target_id=staff.id, after={"method": method})
    return {"token": token, "expires_at": record["expires"],
            "me": await me_out(principal, env.cipher)}


async def dev_login(*, env, employee_no, ip, request_id):
    await check_login_rate(env=env, ip=ip, account=employee_no)
    staff = await find_staff_by_employee_no(employee_no)
    if staff is None:
        raise NotFound("未找到该工号的人员", code="STAFF_NOT_FOUND")
    return await issue_session(env=env, staff=staff, ip=ip, request_id=request_id, method="dev")


async def logout(*, env, actor, token):
    await revoke_session(env.redis, token)
    async with atomic():
        await audit.record(actor=actor, action="auth.logout", target_type="staff", target_id=actor.id)


async def check_account_login_rate(*, env, account):
    """The per-account half of check_login_rate, for sign-ins that learn the account late
    (WeChat login knows the openid only after the code exchange)."""
    await hit_rate_limit(env.redis, f"login-acct:{account}",
                         limit=env.config.security.login_rate_per_account, window_seconds=60)
