"""Appraisal cycles, goals (every version kept), progress, self-assessment, indicator feeds."""
from models.appraisal.cycles import (AppraisalCycle, CycleParticipant, CyclePhase, DeptIndicator,
                                     GoalTemplate, PhaseReopening)
from models.appraisal.goals import GoalItem, GoalReviewComment, GoalSet, GoalVersion
from models.appraisal.progress import GoalProgress, IndicatorFeed, SelfAssessment

TABLES = [AppraisalCycle, CyclePhase, CycleParticipant, PhaseReopening, GoalTemplate, DeptIndicator,
          GoalSet, GoalVersion, GoalItem, GoalReviewComment, GoalProgress, SelfAssessment,
          IndicatorFeed]


async def up(db):
    await db.acreate_tables(TABLES)
