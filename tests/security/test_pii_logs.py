"""Issue 9: phone and ID numbers never land in plaintext in the audit log or in log lines.

`GET /api/staff/export?q=<phone>` stored the query in audit_log and the access log kept the URL.
"""
import json
import logging
import time
import sys

from models.audit import AuditLog
from server.redact import RedactingFilter, mask_text, mask_value
from tests.admin.console import Console
from tests.org.util import raw

PHONE = "13812345678"
ID_NO = "11010519491231002X"


def all_audit_text(server):
    return json.dumps([[e.target_id, e.before, e.after] for e in
                       raw(server, AuditLog.select())], ensure_ascii=False)


def test_export_query_is_masked_in_the_audit_log(server, api, f, org):
    hr = api.as_(org.a_hr_officer)
    for q in (PHONE, ID_NO, f"张三 {PHONE}"):
        assert hr.get(f"/api/staff/export?format=csv&q={q}").status == 200
    text = all_audit_text(server)
    assert "staff.export" in {e.action for e in raw(server, AuditLog.select())}
    assert PHONE not in text and ID_NO not in text and ID_NO[:17] not in text
    assert "138****5678" in text and "110105********002X" in text


def test_record_masks_every_string_recursively(server, api, f, org):
    """Whatever a service passes (nested lists and dicts, keys too), one place masks it."""
    from models.base import atomic
    from services import audit

    async def go():
        async with atomic():
            return await audit.record(actor=None, action="test.mask", target_type="x",
                                      target_id=PHONE, before={"a": [{"b": f"手机{PHONE}"}]},
                                      after={PHONE: ID_NO, "n": 13812345678, "hash": "a" + PHONE + "f"})
    entry = server.run(go())
    stored = raw(server, AuditLog.select().where(AuditLog.seq == entry.seq))[0]
    assert stored.target_id == "138****5678"
    assert stored.before == {"a": [{"b": "手机138****5678"}]}
    # Numbers are not text; hex strings (hashes, ids) containing digit runs are left alone.
    assert stored.after == {"138****5678": "110105********002X", "n": 13812345678,
                            "hash": "a" + PHONE + "f"}
    assert server.run(audit.verify_chain())["ok"] is True  # masked content is what is hashed


def test_access_log_masks_phone_and_id_in_urls(server, api, org, caplog):
    hr = api.as_(org.a_hr_officer)
    with caplog.at_level(logging.INFO, logger="tornado.access"):
        hr.get(f"/api/staff?q={PHONE}&id={ID_NO}")
        hr.get(f"/api/staff?q=%2B86{PHONE}")
        api.get(f"/api/nowhere/{PHONE}")  # a 404 from the default handler
        # The server thread writes the line just after the answer is flushed: wait for it.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and \
                len([r for r in caplog.records if r.name == "tornado.access"]) < 3:
            time.sleep(0.05)
    lines = [r.getMessage() for r in caplog.records if r.name == "tornado.access"]
    assert len(lines) >= 3
    joined = "\n".join(lines)
    assert PHONE not in joined and ID_NO not in joined, joined
    assert "138****5678" in joined and "110105********002X" in joined


def test_warning_and_exception_logs_mask_urls(server, caplog):
    c = Console(server.base_url)
    with caplog.at_level(logging.WARNING):
        # No XSRF token: Tornado logs a 403 warning with the request summary (method, URL, IP).
        c.post(f"/admin/staff?q={PHONE}", {"name": "x"}, xsrf=False)
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "403" in text and PHONE not in text and "138****5678" in text


def test_redacting_filter_masks_messages_args_and_tracebacks():
    try:
        raise ValueError(f"invalid literal for int() with base 10: '{PHONE}'")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "lookup %s failed for %s",
                                   (ID_NO, PHONE), sys.exc_info())
    assert RedactingFilter().filter(record) is True
    assert record.getMessage() == "lookup 110105********002X failed for 138****5678"
    assert PHONE not in record.exc_text and "138****5678" in record.exc_text


def test_mask_edges():
    assert mask_text(f"tel:+86{PHONE}") == "tel:+86138****5678"
    assert mask_text(f"{PHONE}0") == f"{PHONE}0"  # 12 digits: not a mobile number
    assert mask_text("12345678901") == "12345678901"  # not a mainland mobile prefix
    assert mask_value({"k": [PHONE, 5, None]}) == {"k": ["138****5678", 5, None]}
