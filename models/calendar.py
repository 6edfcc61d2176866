"""The one holiday calendar: admin entries that override or complete the chinese-calendar package."""
import peewee as pw

from models.base import BaseModel, utcnow
from models.org import Staff, Unit

DAY_KINDS = ("workday", "rest", "holiday", "makeup_workday")


class CalendarDay(BaseModel):
    """One day whose kind differs from (or is missing in) the package; unit null = nationwide."""
    day = pw.DateField(index=True)
    unit = pw.ForeignKeyField(Unit, null=True, on_delete="CASCADE")
    kind = pw.CharField(max_length=16)
    name = pw.CharField(max_length=50, default="")
    updated_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("day", "unit"), True),)


class CalendarYear(BaseModel):
    """Marks that the admin has entered a whole year's schedule (for years the package lacks)."""
    year = pw.IntegerField()
    unit = pw.ForeignKeyField(Unit, null=True, on_delete="CASCADE")
    published_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")

    class Meta:
        indexes = ((("year", "unit"), True),)
