"""Console home (工作台): today's counts within the caller's reach, shortcuts to their pages."""
from admin.base import AdminHandler
from services import admin_auth


class HomeHandler(AdminHandler):
    """管理后台工作台。"""

    async def get(self):
        counts = await admin_auth.dashboard(env=self.env, actor=self.principal, now=self.now())
        await self.page("home.html", counts=counts)


class AdminRootHandler(AdminHandler):
    allow_anonymous = True

    def get(self):
        self.redirect("/admin/")


default_handlers = [
    (r"/admin/", HomeHandler),
    (r"/admin", AdminRootHandler),
]
