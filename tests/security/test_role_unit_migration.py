"""m0010: Role.unit added where the role table predates it; re-runnable; rows kept (system-wide)."""
import peewee as pw

from models.migrations import m0010_role_unit


def test_adds_the_column_once_and_keeps_rows(tmp_path):
    db = pw.SqliteDatabase(str(tmp_path / "old.db"))
    db.execute_sql("CREATE TABLE unit (id INTEGER PRIMARY KEY, name VARCHAR(50))")
    db.execute_sql("CREATE TABLE role (id INTEGER PRIMARY KEY, code VARCHAR(40) UNIQUE, "
                   "name VARCHAR(50), description VARCHAR(255), builtin INTEGER, admin_tier VARCHAR(10))")
    db.execute_sql("INSERT INTO role (code, name, description, builtin, admin_tier) "
                   "VALUES ('reader', '只读', '', 0, '')")
    assert m0010_role_unit._add_unit(db) is True
    assert m0010_role_unit._add_unit(db) is False  # re-runnable
    assert "unit_id" in {c.name for c in db.get_columns("role")}
    assert db.execute_sql("SELECT code, unit_id FROM role").fetchall() == [("reader", None)]
