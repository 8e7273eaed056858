"""WorkshopService: the one gateway for edits. Gesture -> service method -> EditCommand -> apply()."""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Iterable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from trouble_mapper.commands import EditCommand
from trouble_mapper.domain import rules
from trouble_mapper.domain.changes import Change
from trouble_mapper.domain.document import WorkshopDocument
from trouble_mapper.domain.model import (
    Action,
    Background,
    Card,
    Link,
    Meeting,
    Person,
    Vote,
    Workshop,
    Zone,
    new_id,
)
from trouble_mapper.domain.rules import RuleError, describe_count
from trouble_mapper.domain.session import Session
from trouble_mapper.domain.vocabulary import CardKind, Role
from trouble_mapper.storage.errors import SaveFailed
from trouble_mapper.storage.workshop_file import WorkshopFile


class EditRefused(RuleError):
    """An edit that cannot be made now (read-only file, unknown item); the message is for the user."""


class WorkshopService(QObject):
    """Owns the open workshop: its document, its file and its undo stack.

    Every public edit method builds a list of changes and pushes one EditCommand; the command calls
    ``apply``, which writes the file in one transaction, then updates the document, then emits
    ``changed``. Views listen to ``changed`` and never write the document themselves.
    """

    changed = Signal(object)  # tuple[Change, ...], as applied
    save_failed = Signal(str)  # message for the user; nothing was changed

    def __init__(self, workshop_file: WorkshopFile, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.file = workshop_file
        self.undo_stack = QUndoStack(self)
        self._last_apply_ok = True

    @property
    def document(self) -> WorkshopDocument:
        return self.file.document

    @property
    def read_only(self) -> bool:
        return self.file.read_only

    # The primitive every command calls.

    def apply(self, changes: Sequence[Change], label: str, direction: str) -> bool:
        """Write ``changes`` durably, then put them in the document and announce them.

        Returns False (and emits save_failed) when the file cannot be written; then nothing changed.
        """
        try:
            self.file.repository.write(changes, label, direction)
        except SaveFailed as error:
            self._last_apply_ok = False
            self.save_failed.emit(
                f"“{label}” was not saved because {error.reason}. Nothing was changed; everything saved "
                "before is still in the file. Free some space or use File > Save a Copy elsewhere.")
            return False
        self.document.apply(changes)
        self._last_apply_ok = True
        self.changed.emit(tuple(changes))
        return True

    def push(self, label: str, changes: Sequence[Change], merge_key: Hashable | None = None) -> bool:
        """Make ``changes`` one undo step. True when they were saved.

        Raises EditRefused (read-only) or RuleError (a value no file can hold) before anything changes.
        """
        if self.read_only:
            raise EditRefused("This workshop is open read-only: use File > Save a Copy to edit it.")
        changes = [c for c in changes if c.before != c.after]
        if not changes:
            return True
        for change in changes:
            if change.after is not None:
                rules.check_storable(change.after)
        self.undo_stack.push(EditCommand(self, label, changes, merge_key))
        return self._last_apply_ok

    def close(self) -> None:
        self.undo_stack.clear()
        self.file.close()

    # Helpers.

    def _require(self, entity_type: type, entity_id: str) -> Any:
        entity = self.document.get(entity_type, entity_id)
        if entity is None:
            raise EditRefused(f"That {entity_type.__name__.lower()} no longer exists.")
        return entity

    def _updated(self, entity_type: type, entity_id: str, fields: dict[str, Any]) -> Change:
        before = self._require(entity_type, entity_id)
        return Change(before, dataclasses.replace(before, **fields))

    def _tags(self, cards: Sequence[Card]) -> str:
        kinds = {card.kind for card in cards}
        if len(cards) == 1:
            return cards[0].tag
        if len(kinds) == 1:
            kind = next(iter(kinds))
            return describe_count(len(cards), kind.value, kind.plural)
        return describe_count(len(cards), "card", "cards")

    # Workshop.

    def update_workshop(self, **fields: Any) -> bool:
        return self.push("Edit workshop details", [self._updated(Workshop, "workshop", fields)])

    # The running session: phase and time box, stored at once but never an undo step (Ctrl+Z undoes
    # the last edit of the map, not a pause of the timer).

    def update_session(self, session: Session, label: str) -> bool:
        """Store the session's new value. True when saved (or unchanged)."""
        if self.read_only:
            raise EditRefused("This workshop is open read-only: the phase and timer cannot be saved.")
        before = self.document.session
        if session == before:
            return True
        return self.apply([Change(before, session)], label, "do")

    # Cards.

    def add_card(self, kind: CardKind, x: float, y: float, text: str = "", *, link_to: str | None = None,
                 **fields: Any) -> Card:
        """Pin a new card; it gets the next tag number of its kind, never reused, and the zone it sits in.

        With ``link_to``, the new card is also linked to that card (new card -> it) in the same step:
        a cause typed for a selected trouble, a countermeasure for a selected cause.
        """
        number = rules.next_tag_number(self.document.tag_high_water.get(kind, 0))
        card = Card(new_id(), kind, number, text=text, x=x, y=y, **fields)
        if "zone_id" not in fields:
            card = dataclasses.replace(card, zone_id=self._zone_under(card, x, y))
        rules.check_scores(card.scores)
        changes = [Change(None, card)]
        if link_to is not None:
            effect = self._require(Card, link_to)
            changes.append(Change(None, Link(new_id(), card.id, effect.id)))
        self.push(f"Add {kind.value} {card.tag}", changes)
        return card

    def add_cards(self, specs: Sequence[dict[str, Any]], label: str | None = None) -> list[Card]:
        """Pin several new cards as one step (an import): each spec has ``kind``, ``x``, ``y`` and any other
        Card fields; numbers follow each kind's high-water mark. All are checked before anything is saved."""
        high_water = dict(self.document.tag_high_water)
        cards = []
        for spec in specs:
            fields = dict(spec)
            kind = fields.pop("kind")
            high_water[kind] = rules.next_tag_number(high_water.get(kind, 0))
            card = Card(new_id(), kind, high_water[kind], **fields)
            if "zone_id" not in fields:
                card = dataclasses.replace(card, zone_id=self._zone_under(card, card.x, card.y))
            rules.check_scores(card.scores)
            rules.check_storable(card)
            cards.append(card)
        if cards:
            kinds = {card.kind for card in cards}
            what = (describe_count(len(cards), cards[0].kind.value, cards[0].kind.plural) if len(kinds) == 1
                    else describe_count(len(cards), "card", "cards"))
            self.push(label or f"Import {what}", [Change(None, card) for card in cards])
        return cards

    def vote(self, card_ids: str | Sequence[str], delta: int, person_id: str | None = None) -> bool:
        """Add (or take back) a dot on each card, as one step; presses in a row on the same cards merge.

        With ``person_id`` the dots are also counted against that person's dots per person. Everything
        is checked first: a refusal (no dot to take back, dots used up) changes nothing.
        """
        ids = [card_ids] if isinstance(card_ids, str) else list(card_ids)
        cards = [self._require(Card, cid) for cid in ids]
        person = self._require(Person, person_id) if person_id is not None else None
        if person is not None and delta > 0:
            allowed = self.document.workshop.dots_per_person
            if self.document.dots_used(person.id) + delta * len(cards) > allowed:
                raise RuleError(f"{person.name} has used all {describe_count(allowed, 'dot', 'dots')}.")
        changes = []
        for card in cards:
            after = dataclasses.replace(card, votes=card.votes + delta)
            if after.votes < 0:
                raise RuleError(f"{card.tag} has no dots left to take back.")
            if person is not None:
                changes.append(self._personal_vote(card, person, delta))
            else:
                self._check_named_dots(after)
            changes.append(Change(card, after))
        return self.push(f"Vote on {self._tags(cards)}", changes,
                         merge_key=("vote", tuple(ids), person_id))

    def _personal_vote(self, card: Card, person: Person, delta: int) -> Change:
        vote = self.document.vote_of(card.id, person.id)
        dots = (vote.dots if vote else 0) + delta
        if dots < 0:
            raise RuleError(f"{person.name} has no dot on {card.tag} to take back.")
        return Change(vote, Vote(vote.id if vote else new_id(), card.id, person.id, dots) if dots else None)

    def _check_named_dots(self, card: Card) -> None:
        """A card never shows fewer dots than people have put on it by name."""
        named = sum(v.dots for v in self.document.votes.values() if v.card_id == card.id)
        if card.votes < named:
            raise RuleError(f"{card.tag} holds {describe_count(named, 'dot', 'dots')} given by name: take "
                            "them back by name first (choose the person under Dots).")

    def _zone_under(self, card: Card, x: float, y: float) -> str | None:
        zone = rules.zone_at(self.document.zones.values(), x + card.width / 2, y + card.height / 2)
        return zone.id if zone else None

    def update_card(self, card_id: str, **fields: Any) -> bool:
        change = self._updated(Card, card_id, fields)
        rules.check_scores(change.after.scores)  # type: ignore[union-attr]
        self._check_named_dots(change.after)  # type: ignore[arg-type]
        if "kind" in fields and fields["kind"] is not change.before.kind:  # type: ignore[union-attr]
            kind = fields["kind"]
            number = rules.next_tag_number(self.document.tag_high_water.get(kind, 0))
            change = Change(change.before, dataclasses.replace(change.after, number=number))
        return self.push(f"Edit {change.before.tag}", [change])  # type: ignore[union-attr]

    def update_cards(self, card_ids: Iterable[str], **fields: Any) -> bool:
        """Give several cards the same kind, category, fix route or zone as one undo step."""
        cards = [self._require(Card, cid) for cid in card_ids]
        if len(cards) == 1:
            return self.update_card(cards[0].id, **fields)
        changes = []
        high_water = dict(self.document.tag_high_water)
        for card in cards:
            after = dataclasses.replace(card, **fields)
            self._check_named_dots(after)
            if after.kind is not card.kind:  # a card changing kind takes the next number of its new kind
                high_water[after.kind] = rules.next_tag_number(high_water.get(after.kind, 0))
                after = dataclasses.replace(after, number=high_water[after.kind])
            changes.append(Change(card, after))
        return self.push(f"Edit {self._tags(cards)}", changes)

    def duplicate_cards(self, card_ids: Iterable[str], dx: float = 30, dy: float = 30) -> list[Card]:
        """Copy cards (text, kind, category, size; not votes or links) next to the originals, one step."""
        copies = []
        high_water = dict(self.document.tag_high_water)
        for card in (self._require(Card, cid) for cid in card_ids):
            high_water[card.kind] = rules.next_tag_number(high_water.get(card.kind, 0))
            copies.append(Card(new_id(), card.kind, high_water[card.kind], text=card.text,
                               details=card.details, category=card.category, fix_route=card.fix_route,
                               x=card.x + dx, y=card.y + dy, width=card.width, height=card.height,
                               zone_id=card.zone_id))
        if copies:
            self.push(f"Duplicate {self._tags(copies)}", [Change(None, copy) for copy in copies])
        return copies

    def set_scores(self, card_id: str, **scores: int | None) -> bool:
        card = self._require(Card, card_id)
        return self.update_card(card_id, scores=dataclasses.replace(card.scores, **scores))

    def move_cards(self, positions: dict[str, tuple[float, float]], *, nudge: bool = False) -> bool:
        """Move cards to new positions as one step; a card that crosses a zone's edge takes its new zone.

        Keyboard nudges of the same cards merge into one step.
        """
        changes = []
        for cid, (x, y) in positions.items():
            card = self._require(Card, cid)
            zone_id = card.zone_id
            landed = self._zone_under(card, x, y)
            if landed != self._zone_under(card, card.x, card.y):
                zone_id = landed  # crossed a zone's edge; a zone chosen by hand stays otherwise
            changes.append(Change(card, dataclasses.replace(card, x=x, y=y, zone_id=zone_id)))
        cards = [c.before for c in changes]
        merge_key = ("nudge", frozenset(positions)) if nudge else None
        return self.push(f"Move {self._tags(cards)}", changes, merge_key)  # type: ignore[arg-type]

    def delete_cards(self, card_ids: Iterable[str], link_ids: Iterable[str] = ()) -> bool:
        """Delete cards with their links (and any other ``link_ids``) and take them off their actions."""
        cards = [self._require(Card, cid) for cid in card_ids]
        ids = {card.id for card in cards}
        links = {link.id: link for link in self.document.links_of(ids)}
        links.update((lid, self._require(Link, lid)) for lid in link_ids)
        changes = [Change(link, None) for link in links.values()]
        changes += [Change(vote, None) for vote in self.document.votes.values() if vote.card_id in ids]
        for action in self.document.actions.values():
            if ids & set(action.card_ids):
                kept = tuple(cid for cid in action.card_ids if cid not in ids)
                changes.append(Change(action, dataclasses.replace(action, card_ids=kept)))
        changes += [Change(card, None) for card in cards]
        if not cards:
            return self.push(f"Delete {describe_count(len(links), 'link', 'links')}", changes)
        return self.push(f"Delete {self._tags(cards)}", changes)

    # Links.

    def add_link(self, cause_id: str, effect_id: str) -> Link:
        return self.add_links([(cause_id, effect_id)])[0]

    def add_links(self, pairs: Sequence[tuple[str, str]]) -> list[Link]:
        """Link each (cause, effect) pair, all as one step; a pair that may not be linked refuses them all."""
        links: list[Link] = []
        for cause_id, effect_id in pairs:
            cause, effect = self._require(Card, cause_id), self._require(Card, effect_id)
            rules.check_new_link(cause, effect, [*self.document.links.values(), *links])
            links.append(Link(new_id(), cause.id, effect.id))
        if links:
            tags = [self.document.cards[cid].tag for pair in pairs for cid in pair]
            label = (f"Link {tags[0]} to {tags[1]}" if len(links) == 1
                     else f"Link {describe_count(len(links), 'pair', 'pairs')}")
            self.push(label, [Change(None, link) for link in links])
        return links

    def delete_links(self, link_ids: Iterable[str]) -> bool:
        links = [self._require(Link, lid) for lid in link_ids]
        return self.push(f"Delete {describe_count(len(links), 'link', 'links')}",
                         [Change(link, None) for link in links])

    # Zones.

    def add_zone(self, name: str, x: float, y: float, width: float, height: float) -> Zone:
        """Name a region of the map; the cards already inside it join it in the same step."""
        zone = Zone(new_id(), name, x, y, width, height)
        self.push(f"Add zone {name}", [Change(None, zone), *self._rezoned({**self.document.zones,
                                                                           zone.id: zone})])
        return zone

    def update_zone(self, zone_id: str, **fields: Any) -> bool:
        change = self._updated(Zone, zone_id, fields)
        zones = {**self.document.zones, zone_id: change.after}
        return self.push(f"Edit zone {change.after.name}",  # type: ignore[union-attr]
                         [change, *self._rezoned(zones)])

    def _rezoned(self, zones: dict[str, Zone]) -> list[Change]:
        """Cards whose zone under their centre is not the same with ``zones`` as with today's zones take
        the new one; other cards (a zone chosen by hand among them) keep theirs. A rename moves nothing."""
        changes = []
        for card in self.document.cards.values():
            x, y = card.x + card.width / 2, card.y + card.height / 2
            before = rules.zone_at(self.document.zones.values(), x, y)
            after = rules.zone_at(zones.values(), x, y)
            if (before.id if before else None) != (after.id if after else None):
                changes.append(Change(card, dataclasses.replace(card, zone_id=after.id if after else None)))
        return changes

    def delete_zone(self, zone_id: str) -> bool:
        zone = self._require(Zone, zone_id)
        changes = [Change(card, dataclasses.replace(card, zone_id=None))
                   for card in self.document.cards.values() if card.zone_id == zone_id]
        return self.push(f"Delete zone {zone.name}", [*changes, Change(zone, None)])

    # People.

    def add_person(self, name: str, function: str = "", roles: Sequence[Role] = ()) -> Person:
        person = Person(new_id(), name, function, tuple(roles))
        self.push(f"Add {name} to the team", [Change(None, person)])
        return person

    def update_person(self, person_id: str, **fields: Any) -> bool:
        change = self._updated(Person, person_id, fields)
        return self.push(f"Edit {change.after.name}", [change])  # type: ignore[union-attr]

    def remove_person(self, person_id: str) -> bool:
        """Take someone off the roster; their actions become unassigned and meetings forget them, one step."""
        person = self._require(Person, person_id)
        changes = []
        for action in self.document.actions.values():
            if action.owner_id == person_id or person_id in action.supporter_ids:
                changes.append(Change(action, dataclasses.replace(
                    action, owner_id=None if action.owner_id == person_id else action.owner_id,
                    supporter_ids=tuple(p for p in action.supporter_ids if p != person_id))))
        changes += [Change(vote, None) for vote in self.document.votes.values()
                    if vote.person_id == person_id]
        for meeting in self.document.meetings.values():
            if person_id in meeting.attendee_ids:
                changes.append(Change(meeting, dataclasses.replace(
                    meeting, attendee_ids=tuple(p for p in meeting.attendee_ids if p != person_id))))
        return self.push(f"Remove {person.name} from the team", [*changes, Change(person, None)])

    # Actions.

    def add_action(self, what: str, **fields: Any) -> Action:
        action = Action(new_id(), what, **fields)
        self.push("Add action", [Change(None, action)])
        return action

    def update_action(self, action_id: str, **fields: Any) -> bool:
        change = self._updated(Action, action_id, fields)
        rules.check_status_move(change.before.status, change.after.status)  # type: ignore[union-attr]
        return self.push("Edit action", [change])

    def delete_action(self, action_id: str) -> bool:
        return self.push("Delete action", [Change(self._require(Action, action_id), None)])

    # Meetings.

    def add_meeting(self, when: date, attendee_ids: Sequence[str] = (), notes: str = "") -> Meeting:
        meeting = Meeting(new_id(), when, tuple(attendee_ids), notes)
        self.push(f"Add meeting of {when.isoformat()}", [Change(None, meeting)])
        return meeting

    def update_meeting(self, meeting_id: str, **fields: Any) -> bool:
        return self.push("Edit meeting", [self._updated(Meeting, meeting_id, fields)])

    def delete_meeting(self, meeting_id: str) -> bool:
        return self.push("Delete meeting", [Change(self._require(Meeting, meeting_id), None)])

    # Background.

    def set_background(self, image: bytes, image_format: str, scale: float = 1.0) -> bool:
        """Put a picture behind the map (or replace it; cards stay where they are)."""
        before = self.document.background
        after = Background(image=image, format=image_format, scale=scale)
        return self.push("Replace background" if before else "Add background",
                         [Change(before, after)])

    def update_background(self, **fields: Any) -> bool:
        return self.push("Edit background", [self._updated(Background, "background", fields)])

    def remove_background(self) -> bool:
        return self.push("Remove background", [Change(self._require(Background, "background"), None)])
