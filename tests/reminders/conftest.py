"""The console browser fixtures, shared with tests/admin."""
from tests.admin.test_console_browser import browser, new_page  # noqa: F401
