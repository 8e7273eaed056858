"""The fixed words of a trouble-map workshop: card kinds, roles, goals, statuses, category schemes."""

from __future__ import annotations

from enum import StrEnum


class CardKind(StrEnum):
    """What a card on the map stands for; each kind has its own tag prefix."""

    TROUBLE = "trouble"
    CAUSE = "cause"
    COUNTERMEASURE = "countermeasure"
    NOTE = "note"

    @property
    def prefix(self) -> str:
        return {"trouble": "T", "cause": "C", "countermeasure": "M", "note": "N"}[self.value]

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def plural(self) -> str:
        return {"trouble": "troubles", "cause": "causes",
                "countermeasure": "countermeasures", "note": "notes"}[self.value]


class Role(StrEnum):
    """The six roles a person can hold around a workshop (one person may hold several)."""

    SPONSOR = "sponsor"
    CHANGE_AGENT = "change_agent"
    FIRST_LINE_LEADER = "first_line_leader"
    TEAM_MEMBER = "team_member"
    EXPERT = "expert"
    SUPPORT = "support"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self][0]

    @property
    def explanation(self) -> str:
        return ROLE_LABELS[self][1]


ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.SPONSOR: ("Business sponsor",
                   "Sets the goal, priorities and who is accountable; signs off the action plan."),
    Role.CHANGE_AGENT: ("Change agent / CI manager",
                        "Guides the sponsor on goals and plans; usually the facilitator at the laptop."),
    Role.FIRST_LINE_LEADER: ("First line leader",
                             "Picks the front-line team and leads the trouble-map work day to day."),
    Role.TEAM_MEMBER: ("Cross-functional team member",
                       "Operators, maintainers, engineers: name troubles, dig into causes, fix them."),
    Role.EXPERT: ("Subject matter expert / trainer",
                  "Turns a fix that works into a standard, a lesson and routine work."),
    Role.SUPPORT: ("Support function",
                   "Purchasing, quality, safety, IT, stores: expertise when the team needs it."),
}


class ImprovementGoal(StrEnum):
    """The sponsor's improvement goal framing the workshop."""

    REACTIVE = "reactive"
    GROWTH = "growth"
    STANDARDS = "standards"
    STEP_OUT = "step_out"
    CUSTOM = "custom"

    @property
    def label(self) -> str:
        return {
            "reactive": "Breaking out of reactive maintenance",
            "growth": "Scaling up for growth",
            "standards": "Raising standards",
            "step_out": "Step-out performance",
            "custom": "Custom goal",
        }[self.value]


class ActionStatus(StrEnum):
    """Where an action stands; moves between statuses follow ``rules.can_move``."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    VERIFIED = "verified"
    STANDARDISED = "standardised"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def is_closed(self) -> bool:
        return self in (ActionStatus.DONE, ActionStatus.VERIFIED, ActionStatus.STANDARDISED)


CATEGORY_SCHEMES: dict[str, tuple[str, tuple[str, ...]]] = {
    "six_big_losses": ("Six big losses", (
        "Breakdowns", "Set-up and adjustment", "Minor stops", "Reduced speed",
        "Start-up rejects", "Production rejects")),
    "qcdsm": ("Q/C/D/S/M", ("Quality", "Cost", "Delivery", "Safety", "Morale")),
    "six_m": ("6M fishbone", (
        "Man", "Machine", "Method", "Material", "Measurement", "Mother nature")),
}
DEFAULT_SCHEME = "six_big_losses"

FIX_ROUTES: tuple[str, ...] = (
    "Operator can fix", "Needs a specialist", "Needs a support function",
    "On the run", "Planned outage", "Project",
)
