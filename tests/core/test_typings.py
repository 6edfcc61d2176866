"""The mini-program's request typings (miniprogram/typings/api.d.ts) are generated from the
OpenAPI document and must be current: change a declaration, run `python -m server.typings`."""
from server import typings


def test_typings_are_current():
    want = typings.render(typings.build_openapi())
    have = typings.TARGET.read_text(encoding="utf-8") if typings.TARGET.exists() else ""
    assert have == want, "miniprogram/typings/api.d.ts is stale: run `.venv/bin/python -m server.typings`"


def test_typings_name_every_operation_and_schema():
    text = typings.TARGET.read_text(encoding="utf-8")
    assert '"POST /api/attendance/punch": { body: Schemas.PunchCreate;' in text
    assert "type PunchCreate = {" in text and "device_id: string;" in text
    assert "wifi_bssid?: string;" in text  # optional fields are optional
