"""The map's search box: which cards match a typed query. Plain Python, no Qt.

A query is words; a card matches when every word matches (AND). A plain word matches the card's tag
exactly ("t7" finds T7, not T70) or appears anywhere in its text, details, category, fix route, kind,
zone name, or in the owner, status or text of an action that names the card. ``field:value`` narrows a
word to one field (``zone:filler``, ``owner:priya``, ``status:open``, ``status:overdue``,
``category:"minor stops"``, ``kind:cause``, ``tag:t7``, ``route:specialist``); an unknown prefix is
just part of a plain word. Comparison ignores case and accents. Double quotes keep spaces in a value.

Matching uses ``in`` and ``==`` on strings only: no pattern is ever built from what the user typed.
"""

from __future__ import annotations

import unicodedata
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from trouble_mapper.domain.document import WorkshopDocument
from trouble_mapper.domain.model import Action, Card, Person, Zone

FIELD_PREFIXES: dict[str, str] = {
    "tag": "tag", "kind": "kind", "zone": "zone", "category": "category", "route": "route",
    "owner": "owner", "status": "status",
}
"""Prefix typed before a colon -> the field it narrows the word to."""

OVERDUE = "overdue"
_QUOTES = frozenset('"“”')
_SEPARATOR = "\n"  # folded fields hold no newline, so a word never matches across two fields


@dataclass(frozen=True, slots=True)
class Term:
    """One word of a query, folded; ``field`` is None for a plain word (match anywhere)."""

    value: str
    field: str | None = None


def fold(text: str) -> str:
    """``text`` as search compares it: case-folded, accents dropped (NFKD), whitespace runs as one space."""
    if text.isascii():
        return " ".join(text.lower().split())
    words = [_FOLDED_WORDS.get(word) or _fold_word(word) for word in text.split()]
    return " ".join(word for word in words if word) if "" in words else " ".join(words)


_FOLDED_WORDS: dict[str, str] = {}  # words repeat across cards: fold each once
_MAX_FOLDED_WORDS = 50_000
_MAX_REMEMBERED_WORD = 64


def _fold_word(word: str) -> str:
    folded = _FOLDED_WORDS.get(word)
    if folded is None:
        decomposed = unicodedata.normalize("NFKD", word.casefold())
        stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        folded = " ".join(stripped.casefold().split())  # "¨" decomposes to a space and a mark
        if len(word) <= _MAX_REMEMBERED_WORD:
            if len(_FOLDED_WORDS) >= _MAX_FOLDED_WORDS:
                _FOLDED_WORDS.clear()
            _FOLDED_WORDS[word] = folded
    return folded


def parse_query(query: str) -> list[Term]:
    """The terms of a search-box query; words that fold to nothing (and empty ``zone:``) are dropped."""
    terms = (_term(token, colon) for token, colon in _tokens(query))
    return [term for term in terms if term is not None]


def _tokens(query: str) -> Iterator[tuple[str, int]]:
    """Whitespace-separated tokens, quotes removed (quoted spaces kept), with their first unquoted colon."""
    chars: list[str] = []
    colon, quoted, started = -1, False, False
    for ch in query:
        if ch in _QUOTES:
            quoted, started = not quoted, True
        elif ch.isspace() and not quoted:
            if started:
                yield "".join(chars), colon
            chars, colon, started = [], -1, False
        else:
            if ch == ":" and not quoted and colon < 0:
                colon = len(chars)
            chars.append(ch)
            started = True
    if started:
        yield "".join(chars), colon


def _term(token: str, colon: int) -> Term | None:
    if colon > 0:
        field = FIELD_PREFIXES.get(fold(token[:colon]))
        if field is not None:
            value = fold(token[colon + 1:])
            return Term(value, field) if value else None
    value = fold(token)
    return Term(value) if value else None


@dataclass(frozen=True, slots=True)
class CardText:
    """The folded words one card can be found by."""

    tag: str
    kind: tuple[str, str]  # label, plural
    zone: str
    category: str
    route: str
    owners: tuple[str, ...]
    statuses: tuple[str, ...]  # label and stored value of each linked action's status
    everything: str  # every field above but the tag, and the text of card and actions, one per line


def card_text(card: Card, zone: Zone | None, actions: Iterable[Action],
              owners: Iterable[Person | None]) -> CardText:
    """What ``card`` can be found by, given its zone, the actions naming it and their owners."""
    actions = tuple(actions)
    owner_names = tuple(fold(person.name) for person in owners if person is not None)
    statuses = tuple(s for action in actions for s in (fold(action.status.label), action.status.value))
    kind = (fold(card.kind.label), fold(card.kind.plural))
    zone_name = fold(zone.name) if zone is not None else ""
    category, route = fold(card.category), fold(card.fix_route)
    parts = [fold(card.text), fold(card.details), category, route, kind[0], zone_name, *owner_names,
             *statuses, *(fold(action.what) for action in actions)]
    return CardText(fold(card.tag), kind, zone_name, category, route, owner_names, statuses,
                    _SEPARATOR.join(part for part in parts if part))


def term_matches(term: Term, text: CardText, overdue: bool) -> bool:
    """True when ``term`` finds the card; ``overdue``: an action naming the card is overdue."""
    value, field = term.value, term.field
    if field is None:
        return value == text.tag or value in text.everything or (overdue and value == OVERDUE)
    if field == "tag":
        return value == text.tag
    if field == "kind":
        return text.kind[0].startswith(value) or value == text.kind[1]
    if field == "owner":
        return any(value in name for name in text.owners)
    if field == "status":
        return (overdue and value == OVERDUE) or any(value in status for status in text.statuses)
    return value in getattr(text, field)  # zone, category, route


class CardSearchIndex:
    """Folded card texts of one document, remade only for cards whose card, zone, actions or owners changed.

    Entity values are immutable and replaced on every edit, so comparing them (by identity first)
    tells which cards need folding again.
    """

    def __init__(self) -> None:
        self._entries: dict[str, tuple[tuple[object, ...], CardText]] = {}
        self._cards: list[Card] = []
        self._context: tuple[list[object], ...] = ()
        self._by_card: dict[str, tuple[Action, ...]] = {}
        self._texts: dict[str, CardText] = {}

    def texts(self, doc: WorkshopDocument) -> dict[str, CardText]:
        """Card id -> its current folded text (do not change the dict returned)."""
        # List comparisons below check identity first: they are fast when nothing changed.
        cards = list(doc.cards.values())
        context = (list(doc.zones.values()), list(doc.actions.values()), list(doc.people.values()))
        if context != self._context:
            self._by_card = _actions_by_card(doc.actions.values())
            self._refresh(doc, context_changed=True)
        elif cards != self._cards:
            self._refresh(doc, context_changed=False)
        self._cards, self._context = cards, context
        return self._texts

    def _refresh(self, doc: WorkshopDocument, context_changed: bool) -> None:
        entries = {}
        for card_id, card in doc.cards.items():
            old = self._entries.get(card_id)
            if old is not None and old[0][0] is card and not context_changed:
                entries[card_id] = old
                continue
            actions = self._by_card.get(card_id, ())
            key = (card, doc.zones.get(card.zone_id) if card.zone_id is not None else None, actions,
                   tuple(doc.people.get(a.owner_id) if a.owner_id else None for a in actions))
            entries[card_id] = old if old is not None and old[0] == key else (key, card_text(*key))
        self._entries = entries
        self._texts = {card_id: entry[1] for card_id, entry in entries.items()}

    def matching(self, doc: WorkshopDocument, terms: Iterable[Term], today: date) -> set[str]:
        """Ids of the cards every term matches."""
        terms = list(terms)
        overdue: set[str] = set()
        if any(term.value == OVERDUE for term in terms):
            overdue = {card_id for action in doc.overdue_actions(today) for card_id in action.card_ids}
        candidates = list(self.texts(doc).items())
        for term in terms:
            candidates = _narrow(candidates, term, overdue)
        return {card_id for card_id, _ in candidates}


def _narrow(candidates: list[tuple[str, CardText]], term: Term, overdue: set[str]
            ) -> list[tuple[str, CardText]]:
    """The candidates ``term`` matches (plain words, the usual case, without a call per card)."""
    value = term.value
    if term.field is None:
        return [(card_id, text) for card_id, text in candidates
                if value in text.everything or value == text.tag or (value == OVERDUE and card_id in overdue)]
    return [(card_id, text) for card_id, text in candidates
            if term_matches(term, text, card_id in overdue)]


def _actions_by_card(actions: Iterable[Action]) -> dict[str, tuple[Action, ...]]:
    by_card: dict[str, list[Action]] = {}
    for action in actions:
        for card_id in action.card_ids:
            by_card.setdefault(card_id, []).append(action)
    return {card_id: tuple(named) for card_id, named in by_card.items()}


_INDEXES: dict[int, tuple[weakref.ref[WorkshopDocument], CardSearchIndex]] = {}
_MAX_INDEXES = 4


def _index_for(doc: WorkshopDocument) -> CardSearchIndex:
    """The cached index of ``doc`` (a few documents are kept, forgotten when the document goes)."""
    entry = _INDEXES.get(id(doc))
    if entry is not None and entry[0]() is doc:
        return entry[1]
    if len(_INDEXES) >= _MAX_INDEXES:
        _INDEXES.clear()
    index = CardSearchIndex()
    key = id(doc)
    try:
        ref = weakref.ref(doc, lambda _ref: _INDEXES.pop(key, None))
    except TypeError:  # not weak-referenceable: index afresh each time
        return index
    _INDEXES[key] = (ref, index)
    return index


def matching_card_ids(doc: WorkshopDocument, query: str, today: date | None = None) -> set[str] | None:
    """Ids of the cards ``query`` finds, or None when it holds no word (show every card undimmed).

    ``today`` decides which actions are overdue (``status:overdue``, or the plain word); default today.
    Never raises on odd text: any string is a valid query.
    """
    terms = parse_query(query)
    if not terms:
        return None
    return _index_for(doc).matching(doc, terms, today or date.today())
