"""Attendance: rules, schedules, places, punches, device bindings, make-up requests, day statuses."""
from models.attendance import (AttendancePlace, AttendanceRule, AttendanceSchedule, DayStatus,
                               DeviceBinding, DeviceChangeRequest, MakeupRequest, Punch)

TABLES = [AttendanceRule, AttendanceSchedule, AttendancePlace, Punch, DeviceBinding,
          DeviceChangeRequest, MakeupRequest, DayStatus]


async def up(db):
    await db.acreate_tables(TABLES)
