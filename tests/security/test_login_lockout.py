"""Issue 9: the console's password step answers an unknown username, a wrong password and a
locked account alike — same status, same message, same work (one password hash check)."""
import re

import services.admin_auth as admin_auth
from tests.admin.console import Console

ERROR_RE = re.compile(r'role="alert">(.*?)<', re.S)


def message(r):
    m = ERROR_RE.search(r.text)
    return m.group(1).strip() if m else r.text


def test_unknown_wrong_and_locked_are_indistinguishable(server, f, monkeypatch):
    f.unit("甲局", "A")
    admin = f.admin("system", "sys1")
    checks = []
    real = admin_auth.verify_password

    def counting(password, hashed):
        checks.append(password)
        return real(password, hashed)

    monkeypatch.setattr(admin_auth, "verify_password", counting)
    c = Console(server.base_url)
    unknown = c.post("/admin/login", {"username": "nobody", "password": "wrong-0"})
    answers = [unknown]
    for i in range(6):  # the fifth failure locks the account, the sixth meets the lock
        answers.append(c.post("/admin/login", {"username": "sys1", "password": f"wrong-{i}"}))
    locked_right = c.post("/admin/login", {"username": "sys1", "password": admin.password})
    answers.append(locked_right)
    assert {r.status_code for r in answers} == {401}, [r.status_code for r in answers]
    assert len({message(r) for r in answers}) == 1, {message(r) for r in answers}
    assert "用户名或密码错误" in message(unknown) and "sys1" not in unknown.text
    assert "剩余" not in locked_right.text and "已锁定" not in locked_right.text
    # Every answer cost one password check, the locked ones included.
    assert len(checks) == len(answers)
    assert server.run(admin_auth.AdminCredential.aget(
        admin_auth.AdminCredential.staff == admin.staff.id)).locked_until is not None
