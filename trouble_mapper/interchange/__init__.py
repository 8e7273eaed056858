"""Spreadsheet interchange: CSV export of the register and the action plan, CSV import of troubles.

Plain Python over the domain layer (stdlib csv only): no Qt, no SQL, no reportlab. Applying an import goes
through WorkshopService.add_cards, one undo step.
"""
