"""Where the shipped resources (fonts, translations) live, in a checkout and in a bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    # A PyInstaller bundle unpacks data beside the executable (sys._MEIPASS);
    # a checkout or editable install keeps it at the repository root.
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def cjk_font_path() -> Path:
    return resources_dir() / "fonts" / "wqy-microhei.ttc"
