"""The right-click menu of the map: change kind or category of the selected cards, link, delete; zones."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, QPointF
from PySide6.QtWidgets import QInputDialog, QMenu, QWidget

from trouble_mapper.canvas.items import CardItem, ZoneItem
from trouble_mapper.canvas.scene import MapScene
from trouble_mapper.domain.vocabulary import CATEGORY_SCHEMES, FIX_ROUTES, CardKind


def show_map_menu(parent: QWidget, scene: MapScene, at: QPoint, where: QPointF, item: object,
                  new_card: Callable[[CardKind, QPointF], None], new_action: Callable[[], None]) -> None:
    """Pop up the menu for ``item`` (a card, a zone or None for the empty map) at ``at`` (global);
    ``where`` is the scene position clicked, where "New ... Here" pins the card."""
    if scene.service.read_only:
        return
    menu = QMenu(parent)
    if isinstance(item, CardItem):
        menu.addAction("New Action for the Selected Cards…", new_action)
        menu.addSeparator()
        _card_entries(menu, scene)
    elif isinstance(item, ZoneItem):
        _zone_entries(menu, parent, scene, item)
    else:
        for kind in CardKind:
            menu.addAction(f"New {kind.label} Here", lambda k=kind: new_card(k, where))
    menu.exec(at)


def _card_entries(menu: QMenu, scene: MapScene) -> None:
    selected = scene.selected_card_ids()
    count = len(selected)
    if count == 1:
        menu.addAction("Edit Text", scene.edit_selected_text)
    kinds = menu.addMenu("Kind")
    for kind in CardKind:
        kinds.addAction(kind.label, lambda k=kind: scene.set_selection_fields(kind=k))
    scheme = scene.service.document.workshop.category_scheme
    categories = menu.addMenu("Category")
    for category in CATEGORY_SCHEMES.get(scheme, ("", ()))[1]:
        categories.addAction(category, lambda c=category: scene.set_selection_fields(category=c))
    categories.addSeparator()
    categories.addAction("(none)", lambda: scene.set_selection_fields(category=""))
    routes = menu.addMenu("Fix Route")
    for route in FIX_ROUTES:
        routes.addAction(route, lambda r=route: scene.set_selection_fields(fix_route=r))
    menu.addSeparator()
    if count >= 2:
        menu.addAction("Link Cause → Effect (in selection order)", scene.link_selection)
    menu.addAction("Duplicate", scene.duplicate_selection)
    menu.addAction(f"Delete {count} Cards" if count > 1 else "Delete", scene.delete_selection)


def _zone_entries(menu: QMenu, parent: QWidget, scene: MapScene, item: ZoneItem) -> None:
    def rename() -> None:
        name, ok = QInputDialog.getText(parent, "Rename zone", "Zone name:", text=item.zone.name)
        if ok and name.strip():
            scene.try_edit(scene.service.update_zone, item.zone.id, name=name.strip()[:200])

    menu.addAction(f"Rename Zone “{item.zone.name}”…", rename)
    menu.addAction("Delete Zone (cards stay)",
                   lambda: scene.try_edit(scene.service.delete_zone, item.zone.id))
