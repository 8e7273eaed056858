"""Bundled data (example workshops, icons), read through importlib.resources."""
