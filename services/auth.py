"""Sign-in for the mini-program: the dev login (fake mode only), logout, session issue, and the
sign-in rate limits shared with the console.

Rate limits, in order: the WeChat identity or account (`login_rate_per_account`, and for WeChat
each one-time code `login_rate_per_code`), then the address. An address gets a budget sized for a
whole office behind one NAT (`login_rate_per_address`, every attempt) and a small budget of
failed attempts (`login_rate_per_ip`: rejected codes, unknown accounts), so a bureau signing in
on Monday morning is not refused while one machine guessing is.
"""
import hashlib

from models.base import atomic
from server.errors import Forbidden, NotFound, RateLimited, Unauthorized
from services import audit
from services.access import load_principal
from services.people import find_staff_by_employee_no, me_out
from services.sessions import create_session, hit_rate_limit, rate_limit_state, revoke_session

WINDOW = 60


def refuse_service_account(staff):
    """The three administrators (三员) sign in only with password + TOTP on the console: their
    service accounts are never bound to a WeChat, never given a mini-program session and never
    signed in by QR. Every such path calls this."""
    if staff is not None and staff.is_service_account:
        raise Forbidden("三员账号只能在管理后台使用用户名、密码和动态口令登录", code="SERVICE_ACCOUNT")


async def check_address_rate(*, env, ip):
    """The per-address part: refused while the address is over its failure budget, and counted
    against the whole-office budget."""
    sec = env.config.security
    failures, ttl = await rate_limit_state(env.redis, f"login-fail:{ip}")
    if failures >= sec.login_rate_per_ip:
        raise RateLimited("登录失败次数过多，请稍后再试", retry_after=max(1, ttl))
    await hit_rate_limit(env.redis, f"login-ip:{ip}", limit=sec.login_rate_per_address,
                         window_seconds=WINDOW)


async def note_login_failure(*, env, ip):
    """Count one failed sign-in from this address (a rejected code, an unknown account)."""
    try:
        await hit_rate_limit(env.redis, f"login-fail:{ip}", limit=10**9, window_seconds=WINDOW)
    except Exception:  # counting must never hide the real error
        pass


async def check_login_rate(*, env, ip, account):
    """Account first (when known), then the address."""
    if account:
        await check_account_login_rate(env=env, account=account)
    await check_address_rate(env=env, ip=ip)


async def check_code_rate(*, env, code):
    """A WeChat login code is single-use: more than a few tries of one code is a replay."""
    digest = hashlib.sha256(code.encode()).hexdigest()[:32]
    await hit_rate_limit(env.redis, f"login-code:{digest}",
                         limit=env.config.security.login_rate_per_code, window_seconds=WINDOW)


async def issue_session(*, env, staff, ip, request_id, method):
    """Create a mini-program session for an active person and audit the sign-in."""
    refuse_service_account(staff)
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
        await note_login_failure(env=env, ip=ip)
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
                         limit=env.config.security.login_rate_per_account, window_seconds=WINDOW)
