"""The action plan and the poster read back with pypdf: the text, the page labels and the file's make-up.

What is checked: every card tag and action of the bundled example comes back as text; the PDF holds
nothing but the map picture, forms and the expected fonts (no attached files, scripts, launch actions or
links to local files); hostile user text (markup, formulas, right-to-left scripts, emoji, very long words
and texts) comes back as literal text; a plan of 1,000 actions lays out; the tiled poster's sheets carry
readable "B3 of 3x4" labels.
"""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pypdf
import pytest
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from trouble_mapper.domain.model import Workshop
from trouble_mapper.domain.vocabulary import CardKind, Role
from trouble_mapper.export.fonts import print_fonts as plan_fonts
from trouble_mapper.export.map_files import open_map
from trouble_mapper.export.map_picture import ensure_gui_app
from trouble_mapper.export.pdf_plan import MAX_CELL_CHARS, write_action_plan
from trouble_mapper.export.poster import row_name, write_poster
from trouble_mapper.service import WorkshopService
from trouble_mapper.storage.workshop_file import create_workshop, open_workshop
from trouble_mapper.ui.places import bundled_example

TODAY = date(2026, 11, 27)
FONT_FAMILIES = ("DejaVuSans", "Helvetica")
BAD_ACTIONS = {"/Launch", "/JavaScript", "/ImportData", "/SubmitForm", "/GoToE", "/GoToR", "/Rendition"}
BAD_KEYS = {"/EmbeddedFile", "/EmbeddedFiles", "/JS", "/JavaScript", "/OpenAction", "/AA", "/XFA",
            "/RichMedia"}


# Reading PDFs back.

def flat(text: str) -> str:
    """``text`` with every run of whitespace made one space (wrapped lines joined)."""
    return " ".join(text.split())


def squeezed(text: str) -> str:
    """``text`` with all whitespace removed (a word split over lines becomes one again)."""
    return "".join(text.split())


def page_texts(reader: pypdf.PdfReader) -> list[str]:
    return [page.extract_text() or "" for page in reader.pages]


def all_text(reader: pypdf.PdfReader) -> str:
    return flat(" ".join(page_texts(reader)))


def words_in_sequence(words: list[str], text: str) -> bool:
    """The words appear in ``text`` in this order, separated by whitespace only."""
    pattern = r"\s+".join(re.escape(w) for w in words)
    return re.search(pattern, text) is not None


class Contents:
    """Everything reachable from the trailer: dictionary keys, /Subtype and /S values, fonts, URIs."""

    def __init__(self, reader: pypdf.PdfReader) -> None:
        self.keys: set[str] = set()
        self.subtypes: list[str] = []
        self.actions: set[str] = set()
        self.fonts: set[str] = set()
        self.uris: list[str] = []
        self.objects = 0
        seen: set[tuple[int, int]] = set()
        stack: list = [reader.trailer]
        while stack:
            obj = stack.pop()
            if isinstance(obj, IndirectObject):
                ref = (obj.idnum, obj.generation)
                if ref in seen:
                    continue
                seen.add(ref)
                self.objects += 1
                stack.append(obj.get_object())
            elif isinstance(obj, DictionaryObject):  # stream objects are dictionaries too
                for key, value in obj.items():
                    if key == "/Parent":
                        continue  # back up the page tree: reached from the top anyway
                    self.keys.add(str(key))
                    if key == "/Subtype" and isinstance(value, NameObject):
                        self.subtypes.append(str(value))
                    elif key == "/S" and isinstance(value, NameObject):
                        self.actions.add(str(value))
                    elif key == "/BaseFont":
                        self.fonts.add(str(value).split("+", 1)[-1].lstrip("/"))
                    elif key == "/URI":
                        self.uris.append(str(value))
                    stack.append(value)
            elif isinstance(obj, ArrayObject):
                stack.extend(obj)


def xobjects(reader: pypdf.PdfReader) -> list[str]:
    """The /Subtype of every XObject used by a page or by a form it draws."""
    found: list[str] = []
    seen: set[int] = set()

    def visit(resources) -> None:
        resources = resources.get_object() if resources is not None else None
        if not resources or "/XObject" not in resources:
            return
        for ref in resources["/XObject"].get_object().values():
            key = ref.idnum if isinstance(ref, IndirectObject) else id(ref)
            if key in seen:
                continue
            seen.add(key)
            obj = ref.get_object()
            found.append(str(obj["/Subtype"]))
            if obj["/Subtype"] == "/Form":
                visit(obj.get("/Resources"))

    for page in reader.pages:
        visit(page.get("/Resources"))
    return found


def assert_nothing_embedded(reader: pypdf.PdfReader, images: int) -> Contents:
    """No attached files, scripts, launch actions, links to local files; ``images`` images; our fonts."""
    root = reader.trailer["/Root"].get_object()
    names = root.get("/Names")
    if names is not None:
        assert "/EmbeddedFiles" not in names.get_object()
        assert "/JavaScript" not in names.get_object()
    assert "/OpenAction" not in root and "/AA" not in root
    contents = Contents(reader)
    assert contents.objects > 10 and "/Pages" in contents.keys  # the walk did reach the document
    assert not contents.keys & BAD_KEYS, contents.keys & BAD_KEYS
    assert "/FileAttachment" not in contents.subtypes
    assert not contents.actions & BAD_ACTIONS, contents.actions
    for uri in contents.uris:
        assert not uri.lower().startswith(("file:", "/", "\\", "smb:")), uri
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            assert annot.get("/Subtype") not in ("/FileAttachment", "/Sound", "/Movie", "/Screen"), annot
    kinds = xobjects(reader)
    assert set(kinds) <= {"/Image", "/Form"}, kinds
    assert kinds.count("/Image") == images, kinds
    assert contents.fonts, "no fonts found: the text cannot be drawn"
    for font in contents.fonts:
        assert font.startswith(FONT_FAMILIES), f"unexpected font {font}"
    return contents


# The bundled example.

@pytest.fixture(scope="module")
def example_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("example") / "example.troublemap"
    shutil.copyfile(bundled_example(), path)
    return path


@pytest.fixture(scope="module")
def example(example_path):
    ensure_gui_app()
    opened = open_workshop(example_path, read_only=True)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def example_pdfs(example, tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("plans")
    first, second = folder / "first.pdf", folder / "second.pdf"
    write_action_plan(first, example, today=TODAY)
    write_action_plan(second, example, today=TODAY)
    return first, second


def test_every_card_tag_comes_back_next_to_its_card_text(example, example_pdfs):
    text = all_text(pypdf.PdfReader(example_pdfs[0]))
    cards = list(example.document.cards.values())
    kinds = {card.kind for card in cards}
    assert kinds == set(CardKind) and len(cards) >= 30  # the example has every kind of card
    missing = []
    for card in cards:
        assert re.fullmatch(r"[TCMN]\d+", card.tag), card.tag
        first_words = flat(card.text).split()[:4]
        # the register row: the tag, then (for causes, countermeasures, notes) the kind, then the text
        between = r"\s+" if card.kind is CardKind.TROUBLE else rf"\s+{re.escape(card.kind.label)}\s+"
        pattern = rf"(?<![\w]){re.escape(card.tag)}{between}" + r"\s+".join(map(re.escape, first_words))
        if not re.search(pattern, text):
            missing.append(card.tag)
    assert not missing, f"card tags not found with their text: {missing}"


def test_every_action_text_comes_back(example, example_pdfs):
    text = all_text(pypdf.PdfReader(example_pdfs[0]))
    actions = list(example.document.actions.values())
    assert len(actions) >= 5
    missing = [a.what for a in actions if flat(a.what) not in text]
    assert not missing, f"actions not found in the plan's text: {missing}"
    # each action is printed twice: in the plan by priority and on its owner's page
    twice = [a.what for a in actions if text.count(flat(a.what)) < 2]
    assert not twice, f"actions printed once only: {twice}"


def test_page_count_is_stable_and_the_footer_agrees(example_pdfs):
    first, second = (pypdf.PdfReader(p) for p in example_pdfs)
    pages = len(first.pages)
    assert pages >= 8
    assert len(second.pages) == pages
    texts = page_texts(first)
    for number, text in enumerate(texts, start=1):
        assert f"page {number} of {pages}" in flat(text), f"footer of page {number}"
    assert f"Printed {TODAY.isoformat()}" in flat(texts[0])


def test_metadata_title_is_the_workshop_title(example, example_pdfs):
    reader = pypdf.PdfReader(example_pdfs[0])
    title = example.document.workshop.title
    assert title and reader.metadata is not None
    assert reader.metadata.title == title
    assert reader.metadata.subject == "Trouble map action plan"
    assert reader.outline, "the plan has an outline"


def test_the_plan_holds_only_the_map_picture_and_its_fonts(example_pdfs):
    reader = pypdf.PdfReader(example_pdfs[0])
    contents = assert_nothing_embedded(reader, images=1)
    map_pages = [i for i, page in enumerate(reader.pages) if "/XObject" in page["/Resources"]]
    assert map_pages == [1], "the map picture is on page 2 only"
    assert reader.pages[1].mediabox.width > reader.pages[1].mediabox.height  # landscape
    if plan_fonts().regular != "Helvetica":
        assert any(f.startswith("DejaVuSans") for f in contents.fonts), contents.fonts


def test_letter_paper_prints_the_same_cards(example, tmp_path):
    path = tmp_path / "letter.pdf"
    write_action_plan(path, example, paper="letter", today=TODAY)
    reader = pypdf.PdfReader(path)
    assert (round(float(reader.pages[0].mediabox.width)), round(float(reader.pages[0].mediabox.height))) \
        == (612, 792)
    text = all_text(reader)
    assert all(re.search(rf"(?<!\w){c.tag}(?!\w)", text) for c in example.document.cards.values())


# Hostile text.

MARKUP = "<b>bold</b>"
ENTITIES = "&amp; &"
IMG = '<img src="/etc/hostname">'
FORMULA = "=1+1"
GREEK = "Παραγωγή"
CYRILLIC = "Линия"
HEBREW = "קו ייצור"
ARABIC = "خط الإنتاج"
EMOJI = "🚀🔥"
LONG_WORD = "wq" * 5_000  # 10,000 characters, no space
MANY_WORDS = " ".join(f"w{i:04d}" for i in range(5_000))  # 5,000 words


def _covers(text: str) -> bool:
    fonts = plan_fonts()
    return all(fonts.covers(ch) for ch in text if not ch.isspace())


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    ensure_gui_app()
    path = tmp_path_factory.mktemp("hostile") / "hostile.troublemap"
    create_workshop(path, Workshop(title=f"Hostile {MARKUP} {IMG}")).close()
    opened = open_workshop(path)
    service = WorkshopService(opened)
    owner = service.add_person(f"Owner {MARKUP} {GREEK}", FORMULA, [Role.TEAM_MEMBER])
    texts = {
        "markup": f"Alpha {MARKUP} {ENTITIES} end",
        "img": f"Bravo {IMG} end",
        "formula": f"{FORMULA} Charlie",
        "scripts": f"Delta {GREEK} {CYRILLIC} end",
        "rtl": f"Echo {HEBREW} | {ARABIC} end",
        "emoji": f"Foxtrot {EMOJI} end",
        "long_word": LONG_WORD,
    }
    cards = {key: service.add_card(CardKind.TROUBLE, 200.0 * n, 10, text)
             for n, (key, text) in enumerate(texts.items())}
    cards["many_words"] = service.add_card(CardKind.NOTE, 10, 400, MANY_WORDS)
    for key, text in texts.items():
        service.add_action(f"Action {text}", owner_id=owner.id, due=TODAY + timedelta(days=3),
                           card_ids=(cards[key].id,), check=f"Check {FORMULA} {MARKUP}")
    yield service, cards
    service.undo_stack.clear()
    opened.close()


@pytest.fixture(scope="module")
def hostile_pdf(hostile, tmp_path_factory) -> pypdf.PdfReader:
    service, _cards = hostile
    path = tmp_path_factory.mktemp("hostile-plan") / "hostile.pdf"
    write_action_plan(path, service, today=TODAY)
    return pypdf.PdfReader(path)


def test_markup_and_formulas_come_back_as_literal_text(hostile_pdf):
    text = all_text(hostile_pdf)
    for needle in (f"Alpha {MARKUP} {ENTITIES} end", f"Action Alpha {MARKUP} {ENTITIES} end",
                   f"{FORMULA} Charlie", f"Check {FORMULA} {MARKUP}", f"Owner {MARKUP}"):
        assert needle in text, needle
    assert "&amp;amp;" not in text and "&lt;" not in text  # escaped once, not twice


def test_an_img_tag_is_printed_not_loaded(hostile_pdf):
    text = all_text(hostile_pdf)
    assert "<img" in text
    assert f"Bravo {IMG} end" in text and f"Action Bravo {IMG} end" in text
    assert hostile_pdf.metadata.title == f"Hostile {MARKUP} {IMG}"
    assert_nothing_embedded(hostile_pdf, images=1)  # the map only: /etc/hostname was not read


def test_greek_and_cyrillic_come_back(hostile_pdf):
    if not _covers(GREEK + CYRILLIC):
        pytest.skip(f"the plan font {plan_fonts().regular} has no Greek or Cyrillic glyphs")
    text = all_text(hostile_pdf)
    assert f"Delta {GREEK} {CYRILLIC} end" in text
    assert f"Action Delta {GREEK} {CYRILLIC} end" in text


def test_hebrew_and_arabic_letters_come_back(hostile_pdf):
    """Right-to-left text may be extracted in visual order or shaped into presentation forms, so the
    letters are compared as a set (after NFKC, which maps presentation forms back to letters)."""
    import unicodedata

    if not _covers(HEBREW + ARABIC):
        pytest.skip(f"the plan font {plan_fonts().regular} has no Hebrew or Arabic glyphs")
    text = unicodedata.normalize("NFKC", all_text(hostile_pdf))
    match = re.search(r"Echo (.*?)\s*end", text)
    assert match, "the row with right-to-left text is missing"
    found = set(match.group(1))
    for script in (HEBREW, ARABIC):
        letters = set(script) - {" "}
        assert letters <= found, f"letters missing from {script!r}: {sorted(letters - found)}"


def test_emoji_become_a_visible_mark(hostile_pdf):
    """Emoji the font lacks are replaced by one mark, so the reader sees something was there."""
    text = all_text(hostile_pdf)
    if _covers(EMOJI):
        assert f"Foxtrot {EMOJI} end" in text
    else:
        assert f"Foxtrot {plan_fonts().replacement} end" in text
        assert f"Action Foxtrot {plan_fonts().replacement} end" in text


def test_a_10000_character_word_is_printed_up_to_the_cell_limit(hostile_pdf):
    raw = " ".join(page_texts(hostile_pdf))
    card_cut = f"({len(LONG_WORD) - MAX_CELL_CHARS:,} more characters not printed)"
    action_cut = f"({len('Action ' + LONG_WORD) - MAX_CELL_CHARS:,} more characters not printed)"
    assert flat(raw).count(card_cut) == 1  # the register
    assert flat(raw).count(action_cut) == 2  # the plan and the owner's page
    # the word wraps over many lines (and pages): whitespace removed, every printed letter is there
    # (a page break may fall between any two letters, so letters are counted, not "wq" pairs)
    letters = sum(len(run) for run in re.findall(r"[wq]{20,}", squeezed(raw)))
    assert letters == 3 * MAX_CELL_CHARS - 2 * len("Action "), letters


def test_a_5000_word_card_is_printed_up_to_the_cell_limit(hostile_pdf):
    text = all_text(hostile_pdf)
    printed = MANY_WORDS[:MAX_CELL_CHARS].split()[:-1]  # the last word may be cut
    assert words_in_sequence(printed[:50], text)
    missing = [w for w in printed if w not in text]
    assert not missing, f"{len(missing)} words missing, first {missing[:5]}"
    assert f"({len(MANY_WORDS) - MAX_CELL_CHARS:,} more characters not printed)" in text
    assert "w4999" not in text


def test_a_plan_of_1000_actions_lays_out(tmp_path):
    """1,000 rows: the plan by priority and the owner's page both run over many pages (about 10 s)."""
    ensure_gui_app()
    path = tmp_path / "big.troublemap"
    create_workshop(path, Workshop(title="A thousand actions")).close()
    opened = open_workshop(path)
    try:
        service = WorkshopService(opened)
        owner = service.add_person("Busy Owner")
        card = service.add_card(CardKind.COUNTERMEASURE, 10, 10, "One big fix")
        for n in range(1000):
            service.add_action(f"Row {n:04d} check the {GREEK if n % 2 else 'valve'} seal",
                               owner_id=owner.id if n % 3 else None, due=TODAY + timedelta(days=n),
                               card_ids=(card.id,))
        pdf = tmp_path / "big.pdf"
        write_action_plan(pdf, service, today=TODAY)
        service.undo_stack.clear()
    finally:
        opened.close()
    reader = pypdf.PdfReader(pdf)
    assert len(reader.pages) >= 30
    text = all_text(reader)
    for n in (0, 1, 2, 499, 500, 997, 998, 999):
        needle = f"Row {n:04d} check the {GREEK if n % 2 else 'valve'} seal"
        assert text.count(needle) == 2, needle  # the plan and the owner's page (or "no owner yet")
    assert f"page {len(reader.pages)} of {len(reader.pages)}" in text


# The poster.

def test_a_tiled_a4_poster_has_readable_sheet_labels(example_path, tmp_path):
    path = tmp_path / "poster.pdf"
    with open_map(example_path) as (service, scene):
        result = write_poster(path, scene, sheet="a4")
        title = service.document.workshop.title
    assert result.rows * result.cols > 1
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) == result.pages == result.rows * result.cols + 1
    assert reader.metadata.title == title
    texts = [flat(t) for t in page_texts(reader)]
    assert f"{result.rows * result.cols} sheets follow, page 2 is A1" in texts[0]
    for row in range(result.rows):
        for col in range(result.cols):
            number = row * result.cols + col + 1
            label = f"{row_name(row)}{col + 1} of {result.rows}x{result.cols}"
            page_text = texts[number]  # page 1 is the assembly map
            assert label in page_text, (number, page_text[:200])
            others = [t for i, t in enumerate(texts) if i != number and label in t]
            assert not others, f"label {label} on other pages too"
            assert f"Sheet {number} of {result.rows * result.cols}" in page_text
    # every page draws the map as images (banded); nothing else is embedded
    images = xobjects(reader).count("/Image")
    assert images >= len(reader.pages)
    assert_nothing_embedded(reader, images=images)
