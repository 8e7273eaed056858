"""WorkshopDocument: everything one workshop file holds, in memory."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from trouble_mapper.domain.changes import Change
from trouble_mapper.domain.model import (
    Action,
    Background,
    Card,
    Entity,
    Link,
    Meeting,
    Person,
    Vote,
    Workshop,
    Zone,
)
from trouble_mapper.domain.session import Session
from trouble_mapper.domain.vocabulary import ActionStatus, CardKind


@dataclass
class WorkshopDocument:
    """The in-memory workshop. Only ``apply`` changes it; the edit service is its only caller."""

    workshop: Workshop = field(default_factory=Workshop)
    people: dict[str, Person] = field(default_factory=dict)
    zones: dict[str, Zone] = field(default_factory=dict)
    cards: dict[str, Card] = field(default_factory=dict)
    links: dict[str, Link] = field(default_factory=dict)
    actions: dict[str, Action] = field(default_factory=dict)
    meetings: dict[str, Meeting] = field(default_factory=dict)
    votes: dict[str, Vote] = field(default_factory=dict)
    background: Background | None = None
    session: Session = field(default_factory=Session)  # phase and time box: not an undo step
    tag_high_water: dict[CardKind, int] = field(default_factory=dict)

    def _collection(self, entity_type: type) -> dict[str, Entity] | None:
        return {
            Person: self.people, Zone: self.zones, Card: self.cards, Link: self.links,
            Action: self.actions, Meeting: self.meetings, Vote: self.votes,
        }.get(entity_type)  # type: ignore[return-value]

    def get(self, entity_type: type, entity_id: str) -> Entity | None:
        """The current value of an entity, or None if it does not exist."""
        if entity_type is Workshop:
            return self.workshop
        if entity_type is Background:
            return self.background
        if entity_type is Session:
            return self.session
        collection = self._collection(entity_type)
        if collection is None:
            raise TypeError(f"not a workshop entity: {entity_type!r}")
        return collection.get(entity_id)

    def apply(self, changes: Iterable[Change]) -> None:
        """Put every change's ``after`` in place (or remove the entity when after is None)."""
        for change in changes:
            entity = change.entity
            if isinstance(entity, Workshop):
                self.workshop = change.after if change.after is not None else Workshop()
            elif isinstance(entity, Background):
                self.background = change.after  # type: ignore[assignment]
            elif isinstance(entity, Session):
                self.session = change.after if change.after is not None else Session()
            else:
                collection = self._collection(type(entity))
                assert collection is not None
                if change.after is None:
                    collection.pop(entity.id, None)
                else:
                    collection[entity.id] = change.after
                if isinstance(change.after, Card):
                    kind = change.after.kind
                    self.tag_high_water[kind] = max(self.tag_high_water.get(kind, 0),
                                                    change.after.number)

    # Queries used by views, the CLI and exports.

    def cards_in_tag_order(self, kind: CardKind | None = None) -> list[Card]:
        order = list(CardKind)
        cards = (c for c in self.cards.values() if kind is None or c.kind is kind)
        return sorted(cards, key=lambda c: (order.index(c.kind), c.number))

    def links_of(self, card_ids: Iterable[str]) -> list[Link]:
        """Every link that starts or ends at one of ``card_ids``."""
        ids = set(card_ids)
        return [lk for lk in self.links.values() if lk.cause_id in ids or lk.effect_id in ids]

    def card_counts(self) -> Counter[CardKind]:
        return Counter(card.kind for card in self.cards.values())

    def action_counts(self) -> Counter[ActionStatus]:
        return Counter(action.status for action in self.actions.values())

    def vote_of(self, card_id: str, person_id: str) -> Vote | None:
        return next((v for v in self.votes.values() if v.card_id == card_id and v.person_id == person_id),
                    None)

    def dots_used(self, person_id: str) -> int:
        return sum(v.dots for v in self.votes.values() if v.person_id == person_id)

    def overdue_actions(self, today: date) -> list[Action]:
        return [a for a in self.actions.values()
                if a.due is not None and a.due < today and not a.status.is_closed]

    def same_content(self, other: WorkshopDocument) -> bool:
        """True when both documents hold the same entities (used by round-trip checks)."""
        return (self.workshop == other.workshop and self.people == other.people
                and self.zones == other.zones and self.cards == other.cards
                and self.links == other.links and self.actions == other.actions
                and self.meetings == other.meetings and self.votes == other.votes
                and self.background == other.background and self.session == other.session)
