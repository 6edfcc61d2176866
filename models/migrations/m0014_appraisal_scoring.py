"""Appraisal scoring and outcomes (issue 12): relationships, score sheets and entries with every
change, results, quota approvals, objections, reviews and appeals, result applications, alerts."""
from models.appraisal.outcomes import IntegrityAlert, Objection, ResultApplication, ResultRequest
from models.appraisal.scoring import (AppraisalResult, QuotaApproval, Relationship, ScoreChange,
                                      ScoreEntry, ScoreSheet)

TABLES = [Relationship, ScoreSheet, ScoreEntry, ScoreChange, AppraisalResult, QuotaApproval,
          Objection, ResultRequest, ResultApplication, IntegrityAlert]


async def up(db):
    await db.acreate_tables(TABLES)
