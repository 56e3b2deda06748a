"""Assessment years, indicator schemes, targets, evidence, imported inputs, key projects and
results.

The scoring itself is ``assessment.scoring`` (pure Python); these models hold what it reads and
what it returns. What may change in which state of a year is decided in ``assessment.policy``.
"""

from assessment.models.ballots import (
    Ballot,
    BallotCode,
    BallotMark,
    CodeBatch,
    EvaluationRound,
    Mark,
    Question,
    RaterGroup,
    RoundResult,
    RoundStatus,
    RoundSubject,
)
from assessment.models.evidence import (
    FAILURE_METHODS,
    Evidence,
    EvidenceAttachment,
    EvidenceStatement,
    EvidenceStatus,
    Highlight,
    RecordQuerySet,
    VerifiedRecord,
    attachment_path,
)
from assessment.models.imports import ImportJob, ImportJobState, ImportLog
from assessment.models.inputs import (
    CadreEvaluation,
    CityRank,
    Grade,
    SurveyRate,
    TeamEvaluation,
)
from assessment.models.objections import Objection, ObjectionStatus
from assessment.models.projects import (
    Contribution,
    KeyProject,
    Milestone,
    ProgressUpdate,
    ProjectTask,
)
from assessment.models.publication import DOCUMENT_FORMAT, Publication, document_sha256
from assessment.models.results import (
    CadreResult,
    ComputationRun,
    TeamResult,
    UnitResult,
)
from assessment.models.years import (
    AMOUNT,
    RATIO,
    SCORE,
    AggregationChoices,
    AssessmentYear,
    GradeChoices,
    Indicator,
    MethodChoices,
    Target,
    TierChoices,
    YearStatus,
    ratio_field,
    score_field,
)

__all__ = [
    "AMOUNT",
    "DOCUMENT_FORMAT",
    "FAILURE_METHODS",
    "RATIO",
    "SCORE",
    "AggregationChoices",
    "AssessmentYear",
    "Ballot",
    "BallotCode",
    "BallotMark",
    "CadreEvaluation",
    "CadreResult",
    "CityRank",
    "CodeBatch",
    "ComputationRun",
    "Contribution",
    "EvaluationRound",
    "Evidence",
    "EvidenceAttachment",
    "EvidenceStatement",
    "EvidenceStatus",
    "Grade",
    "GradeChoices",
    "Highlight",
    "ImportJob",
    "ImportJobState",
    "ImportLog",
    "Indicator",
    "KeyProject",
    "Mark",
    "MethodChoices",
    "Milestone",
    "Objection",
    "ObjectionStatus",
    "ProgressUpdate",
    "ProjectTask",
    "Publication",
    "Question",
    "RaterGroup",
    "RecordQuerySet",
    "RoundResult",
    "RoundStatus",
    "RoundSubject",
    "SurveyRate",
    "Target",
    "TeamEvaluation",
    "TeamResult",
    "TierChoices",
    "UnitResult",
    "VerifiedRecord",
    "YearStatus",
    "attachment_path",
    "document_sha256",
    "ratio_field",
    "score_field",
]
