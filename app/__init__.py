"""Custos: the program itself — everything that is not drawing. Never imports Qt."""

__version__ = "0.1.0"
