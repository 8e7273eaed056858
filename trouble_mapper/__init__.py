"""Trouble Mapper: run trouble-map workshops on a projected canvas, saved as you go."""

__version__ = "0.1.0"
APP_NAME = "Trouble Mapper"
ORG_NAME = "Trouble Mapper"
FILE_SUFFIX = ".troublemap"
