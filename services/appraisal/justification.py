"""The justification rule for qualitative scores (评分依据), as a pure function: what a written
reason lacks, in words a rater can act on. Documented in docs/appraisal-scoring.md and shown in
the scoring page before any refusal; a unit configures it in the cycle's `settings.justification`:

    {"min_chars": 15,                 # characters left after removing generic phrases
     "generic_phrases": ["..."],      # added to GENERIC_PHRASES (a unit's own stock phrases)
     "require_fact": true}            # a date, a number with a unit or count, or a quoted name

A reason made of generic phrases only (at most 3 other characters, no fact) is refused as generic.
Otherwise it passes when, after removing the generic phrases, punctuation and spaces, at least
`min_chars` characters remain and it names at least one concrete fact:
- a date: 2026-03-05, 2026年3月, 3月5日, 三季度 / 第二季度, 上半年;
- a number with a unit or a count: 46件, 120份, 95%, 3次, 两项;
- a document or event in quotes: 《xx办法》, “春风行动”, 「…」.
"""
import re

GENERIC_PHRASES = (
    "表现良好", "表现突出", "表现优秀", "表现较好", "工作认真", "认真负责", "积极主动", "工作积极",
    "工作努力", "态度端正", "尽职尽责", "兢兢业业", "踏实肯干", "任劳任怨", "业务能力强",
    "业务熟练", "团结同事", "遵守纪律", "服从安排", "完成较好", "完成良好", "圆满完成", "成绩显著",
    "成效明显", "效果良好", "各项任务", "工作任务", "较好", "良好", "优秀", "突出", "很好", "不错",
    "一般", "合格", "称职", "同意", "无", "好", "该同志", "本年度", "能够", "按时", "完成",
)

GENERIC_SLACK = 3
DEFAULT_RULE = {"min_chars": 15, "generic_phrases": [], "require_fact": True}

_PUNCT = re.compile(r"[\s\u3000，。、；：！？,.;:!?…—\-~·'\"“”‘’（）()【】\[\]{}<>《》「」]+")
_DATE = re.compile(
    r"\d{4}\s*[-/.年]\s*\d{1,2}"                         # 2026-03, 2026年3
    r"|\d{1,2}\s*月\s*(\d{1,2}\s*[日号])?"                # 3月, 3月5日
    r"|[一二三四五六七八九十]{1,3}月"                      # 三月
    r"|(第?[一二三四1-4])\s*季度|[上下]半年|年[初中底末]"
    r"|\d{4}\s*年")
_UNITS = ("人次|家次|万元|亿元|小时|公里|余件|余人|%|％|‰|件|份|次|个|项|篇|人|元|天|日|场|期|条|家|户|起|批|册|"
          "页|万|亿|台|套|部|名|所|笔|宗|轮|课时|分钟|吨|平方米|米|处|座|例|封|张|单")
_NUMBER = re.compile(r"\d+(?:\.\d+)?\s*(?:" + _UNITS + r")"
                     r"|[一二两三四五六七八九十百千万]+\s*(?:件|份|次|个|项|篇|场|期|条|名|起|批|轮|家|户|处|例|封)")
_QUOTED = re.compile(r"《[^》]{1,60}》|“[^”]{2,60}”|「[^」]{2,60}」|\"[^\"]{2,60}\"")

MESSAGES = {
    "APPRAISAL_JUSTIFICATION_EMPTY": "请填写评分依据",
    "APPRAISAL_JUSTIFICATION_GENERIC": "只有套话（如“{examples}”），没有写明具体做了什么",
    "APPRAISAL_JUSTIFICATION_TOO_SHORT": "去掉套话后只有 {chars} 个字，至少需要 {min_chars} 个字",
    "APPRAISAL_JUSTIFICATION_NO_FACT": "未写明具体事实：请写出日期（如 3月5日、三季度）、带单位的数字（如 46件、95%）"
                                       "或用《》“”标明的文件、活动",
}


def rule_of(settings):
    """The effective rule of a cycle's settings (defaults filled in, bad values ignored)."""
    raw = (settings or {}).get("justification") or {}
    rule = dict(DEFAULT_RULE)
    if isinstance(raw, dict):
        try:
            if raw.get("min_chars") is not None:
                rule["min_chars"] = max(0, min(200, int(raw["min_chars"])))
        except (TypeError, ValueError):
            pass
        extra = raw.get("generic_phrases")
        if isinstance(extra, list):
            rule["generic_phrases"] = [p for p in extra if isinstance(p, str) and p.strip()][:200]
        if isinstance(raw.get("require_fact"), bool):
            rule["require_fact"] = raw["require_fact"]
    return rule


def phrases(rule):
    return tuple(sorted(set(GENERIC_PHRASES) | set(rule.get("generic_phrases") or ()),
                        key=len, reverse=True))


def describe(rule):
    """The rule in one sentence, for the scoring page (shown before any refusal)."""
    text = f"评分依据去掉套话后不少于 {rule['min_chars']} 个字"
    if rule.get("require_fact", True):
        text += "，并写明至少一项具体事实：日期（如 3月5日、三季度）、带单位的数字（如 46件、95%）或用《》“”标明的文件、活动"
    return text + "。只写“表现良好”“工作认真”之类的套话不予接受。"


def _strip(text, rule):
    rest = text
    for p in phrases(rule):
        if len(p) >= 2:
            rest = rest.replace(p, " ")
    return _PUNCT.sub("", rest)


def has_fact(text):
    return bool(_DATE.search(text) or _NUMBER.search(text) or _QUOTED.search(text))


def check(text, rule=None):
    """What `text` lacks under `rule`: a list of {"code", "message"} (empty when it passes). The
    first entry is the main reason."""
    rule = rule or DEFAULT_RULE
    text = (text or "").strip()
    if not _PUNCT.sub("", text):
        return [{"code": "APPRAISAL_JUSTIFICATION_EMPTY", "message": MESSAGES["APPRAISAL_JUSTIFICATION_EMPTY"]}]
    rest = _strip(text, rule)
    generic = set(phrases(rule))
    # Nothing but stock phrases: at most a few other characters ("工作" of 工作认真负责) and no fact.
    if rest in generic or (len(rest) <= GENERIC_SLACK and not has_fact(text)):
        used = []
        for p in phrases(rule):
            if p in text and not any(p in u for u in used):
                used.append(p)
        used = used[:2] or [text[:8]]
        return [{"code": "APPRAISAL_JUSTIFICATION_GENERIC",
                 "message": MESSAGES["APPRAISAL_JUSTIFICATION_GENERIC"].format(examples="”“".join(used))}]
    out = []
    if len(rest) < rule["min_chars"]:
        out.append({"code": "APPRAISAL_JUSTIFICATION_TOO_SHORT",
                    "message": MESSAGES["APPRAISAL_JUSTIFICATION_TOO_SHORT"].format(
                        chars=len(rest), min_chars=rule["min_chars"])})
    if rule.get("require_fact", True) and not has_fact(text):
        out.append({"code": "APPRAISAL_JUSTIFICATION_NO_FACT",
                    "message": MESSAGES["APPRAISAL_JUSTIFICATION_NO_FACT"]})
    return out


def message(problems):
    """One line for a field error: every missing thing, joined."""
    return "；".join(p["message"] for p in problems)
