"""The justification rule (评分依据): refused and accepted examples as a pure function, the
unit's configuration (min_chars, its own stock phrases, require_fact), and the same examples over
HTTP (submission refused per item saying what is missing, accepted when it names a fact)."""
import pytest

from services.appraisal import justification as j
from tests.appraisal import scoring_support as ss
from tests.appraisal.test_scoring import setup


def codes(text, rule=None):
    return [p["code"] for p in j.check(text, rule)]


@pytest.mark.parametrize("text,expected", [
    ("", ["APPRAISAL_JUSTIFICATION_EMPTY"]),
    ("   。", ["APPRAISAL_JUSTIFICATION_EMPTY"]),
    ("表现良好", ["APPRAISAL_JUSTIFICATION_GENERIC"]),
    ("工作认真，表现突出", ["APPRAISAL_JUSTIFICATION_GENERIC"]),
    ("该同志本年度工作认真负责，积极主动，表现优秀！", ["APPRAISAL_JUSTIFICATION_GENERIC"]),
    ("无", ["APPRAISAL_JUSTIFICATION_GENERIC"]),
    ("同意", ["APPRAISAL_JUSTIFICATION_GENERIC"]),
    ("3月5日完成", ["APPRAISAL_JUSTIFICATION_TOO_SHORT"]),
    ("办结来信46件", ["APPRAISAL_JUSTIFICATION_TOO_SHORT"]),
    ("该同志本年度工作态度端正，能够较好地完成领导交办的各项任务",
     ["APPRAISAL_JUSTIFICATION_TOO_SHORT", "APPRAISAL_JUSTIFICATION_NO_FACT"]),
    ("牵头负责单位信访接待窗口的日常运转，协调各科室处理群众反映的问题", ["APPRAISAL_JUSTIFICATION_NO_FACT"]),
])
def test_refused(text, expected):
    assert codes(text) == expected


@pytest.mark.parametrize("text", [
    "2026年3月牵头完成《xx办法》修订，办结群众来信46件",
    "全年办结信访件46件，无一差错，群众满意率98%",
    "牵头起草“春风行动”实施方案并组织落实到位，效果明显",
    "三季度组织全局业务培训两场，覆盖干部职工共计一百余人次",
    "2026-06-18 完成档案数字化一期验收，录入档案卷宗",
])
def test_accepted(text):
    assert j.check(text) == [], text


def test_messages_say_what_is_missing():
    (p,) = j.check("表现良好")
    assert "套话" in p["message"] and "表现良好" in p["message"]
    (p,) = j.check("3月5日完成")
    assert "4 个字" in p["message"] and "15 个字" in p["message"]
    msg = j.message(j.check("牵头负责单位信访接待窗口的日常运转，协调各科室处理群众反映的问题"))
    assert "日期" in msg and "数字" in msg and "《》" in msg


def test_unit_configuration():
    rule = j.rule_of({"justification": {"min_chars": 5, "generic_phrases": ["政治站位高"], "require_fact": False}})
    assert rule == {"min_chars": 5, "generic_phrases": ["政治站位高"], "require_fact": False}
    assert codes("政治站位高，表现良好", rule) == ["APPRAISAL_JUSTIFICATION_GENERIC"]
    # the same words under the default rule are not stock phrases: too short, no fact
    assert codes("政治站位高，表现良好", j.rule_of({})) == ["APPRAISAL_JUSTIFICATION_TOO_SHORT",
                                                        "APPRAISAL_JUSTIFICATION_NO_FACT"]
    assert codes("牵头负责信访接待", rule) == []                    # 8 chars, no fact needed here
    assert j.rule_of({"justification": {"min_chars": "x", "generic_phrases": "no"}}) == j.DEFAULT_RULE
    assert "5 个字" in j.describe(rule) and "日期" not in j.describe(rule)


def test_over_http(server, org, f, api):
    c, gs, (lin, thr, qual), sheet = setup(server, org, f, api)
    ss.report(api, org.office_1, gs, lin, 1200, "2026-05-01")
    ss.report(api, org.office_1, gs, thr, 24, "2026-05-01")
    lead = ss.client(api, org.office_leader)
    path = f"/api/appraisal/sheets/{sheet.id}/submit"
    refused = [("表现良好", "APPRAISAL_JUSTIFICATION_GENERIC", "套话"),
               ("工作认真，表现突出", "APPRAISAL_JUSTIFICATION_GENERIC", "套话"),
               ("3月5日完成", "APPRAISAL_JUSTIFICATION_TOO_SHORT", "至少需要 15 个字"),
               ("牵头负责单位信访接待窗口的日常运转，协调各科室处理群众反映的问题", "APPRAISAL_JUSTIFICATION_NO_FACT", "日期")]
    for text, code, words in refused:
        r = lead.post(path, {"entries": [{"key": qual, "score": 95, "justification": text}]}, headers=ss.at(ss.SCORING))
        assert r.status == 422 and r.code == code, (text, r)
        assert words in r.error["fields"][f"entries.{qual}.justification"], (text, r)
        assert ss.sheets(server, c, id=sheet.id)[0].status != "submitted"
    r = lead.post(path, {"entries": [{"key": qual, "score": 95, "justification": ss.GOOD}]}, headers=ss.at(ss.SCORING))
    assert r.status == 200 and r.data["status"] == "submitted", r
    assert ss.entries(server, sheet.id)[0].justification == ss.GOOD


def test_the_unit_rule_applies_over_http(server, org, f, api):
    c, gs, (lin, thr, qual), sheet = setup(server, org, f, api,
                                           justification={"generic_phrases": ["政治站位高"], "min_chars": 20})
    ss.report(api, org.office_1, gs, lin, 1200, "2026-05-01")
    ss.report(api, org.office_1, gs, thr, 24, "2026-05-01")
    lead = ss.client(api, org.office_leader)
    r = lead.get(f"/api/appraisal/sheets/{sheet.id}", headers=ss.at(ss.SCORING))
    assert "不少于 20 个字" in r.data["rule"]["text"] and r.data["rule"]["min_chars"] == 20
    r = lead.post(f"/api/appraisal/sheets/{sheet.id}/submit",
                  {"entries": [{"key": qual, "score": 95, "justification": "政治站位高，表现良好"}]},
                  headers=ss.at(ss.SCORING))
    assert r.code == "APPRAISAL_JUSTIFICATION_GENERIC", r
    r = lead.post(f"/api/appraisal/sheets/{sheet.id}/submit",
                  {"entries": [{"key": qual, "score": 95, "justification": "2026年3月修订《信访办法》"}]},
                  headers=ss.at(ss.SCORING))
    assert r.code == "APPRAISAL_JUSTIFICATION_TOO_SHORT", r
