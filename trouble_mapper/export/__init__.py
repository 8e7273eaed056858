"""Exports: pure functions from the workshop document to a stream. Only this package imports reportlab."""
