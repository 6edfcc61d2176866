"""Console home (工作台): today's counts within the caller's reach, shortcuts to their pages, and
what the caller may see: their grants, and for a department leader the departments they lead."""
from admin.base import AdminHandler
from server.errors import Forbidden
from services import admin_auth
from services import org as org_service


class HomeHandler(AdminHandler):
    """管理后台工作台。"""

    async def get(self):
        counts = await admin_auth.dashboard(env=self.env, actor=self.principal, now=self.now())
        await self.page("home.html", counts=counts, led=await self.led_departments())

    async def led_departments(self):
        """A leader's built-in reach (no grant needed): the departments they lead, the tops of
        their subtrees only, and how many departments lie within; None for anyone else."""
        led_ids = self.principal.led_dept_ids
        if not led_ids:
            return None
        try:
            depts = await org_service.list_departments(env=self.env, actor=self.principal,
                                                       flat=True, include_closed=False)
        except Forbidden:
            return None
        within = {d["id"] for d in depts}
        tops = [d for d in depts if d["id"] in led_ids and d["parent_id"] not in within]
        return {"tops": tops, "count": len(depts)} if tops else None


class AdminRootHandler(AdminHandler):
    allow_anonymous = True

    def get(self):
        self.redirect("/admin/")


default_handlers = [
    (r"/admin/", HomeHandler),
    (r"/admin", AdminRootHandler),
]
