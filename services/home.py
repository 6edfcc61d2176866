"""The mini-program home page: who I am and one summary card per feature (later issues fill them)."""
from services import notify
from services.people import me_out


async def home_summary(*, env, actor):
    return {
        "me": await me_out(actor, env.cipher),
        "cards": {
            "attendance": {"status": "pending", "text": "考勤功能即将上线"},
            "approvals": {"waiting": 0},
            "goals": {"text": "暂无"},
            "messages": {"unread": await notify.unread_count(actor=actor)},
        },
    }
