"""The .troublemap file: an SQLite database. This package is the only code that speaks SQL."""
