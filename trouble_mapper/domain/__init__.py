"""The workshop as plain data and pure rules: no Qt, no SQL, no reportlab."""
