"""Unknown console paths answer with the console's own 404 page (this module sorts last)."""
from admin.base import AdminNotFoundHandler

default_handlers = [(r"/admin/.*", AdminNotFoundHandler)]
