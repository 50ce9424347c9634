"""SQLModel tables, one module per aggregate. Tables only: the rules live in services/."""

from sqlmodel import SQLModel

from models.analysis import AnalysisParameters
from models.audit import AuditEvent, AuditHead
from models.auth import ApiToken, SignInKnownAddress, SignInThrottle, User
from models.calendar import CalendarDay
from models.catalog import CatalogVersion, SupervisionMatter
from models.credit import DisciplineMeasure, Listing, Referral, RiskColourChange, RiskParameters
from models.notices import Notice
from models.records import Complaint, License, Penalty
from models.registry import Department, EntityFormerName, EntityPerson, MarketEntity, Person, Region
from models.spotchecks import (
    CheckItem,
    DrawAttempt,
    DrawRecord,
    DrawSelection,
    EntityDirectory,
    InspectionResult,
    InspectionTask,
    InspectionTaskInspector,
    Inspector,
    InspectorConflict,
    ResultCategory,
    SpotCheckPlan,
    SpotCheckPlanDepartment,
    SpotCheckPlanItem,
)

metadata = SQLModel.metadata

__all__ = [
    "AnalysisParameters",
    "ApiToken",
    "AuditEvent",
    "AuditHead",
    "CalendarDay",
    "CatalogVersion",
    "CheckItem",
    "Complaint",
    "Department",
    "DisciplineMeasure",
    "DrawAttempt",
    "DrawRecord",
    "DrawSelection",
    "EntityDirectory",
    "EntityFormerName",
    "EntityPerson",
    "InspectionResult",
    "InspectionTask",
    "InspectionTaskInspector",
    "Inspector",
    "InspectorConflict",
    "License",
    "Listing",
    "MarketEntity",
    "Notice",
    "Penalty",
    "Person",
    "Referral",
    "Region",
    "ResultCategory",
    "RiskColourChange",
    "RiskParameters",
    "SignInKnownAddress",
    "SignInThrottle",
    "SpotCheckPlan",
    "SpotCheckPlanDepartment",
    "SpotCheckPlanItem",
    "SupervisionMatter",
    "User",
    "metadata",
]
