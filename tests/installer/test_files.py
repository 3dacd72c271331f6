"""The installer's files say what they must: the desktop entry, the icons, the Windows script.

Quick checks that run everywhere; Inno Setup itself only runs on Windows, so the script's
promises (per-machine, Start-menu entry, data folder for Users, data kept on uninstall
unless asked) are checked as text here.
"""

from __future__ import annotations

import configparser
import re
import struct
from pathlib import Path

INSTALLER = Path(__file__).resolve().parents[2] / "installer"


def test_desktop_entry_launches_custos_in_both_languages():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive: Name[zh_CN]
    entry.read(INSTALLER / "custos.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application"
    assert desktop["Name"] == "Custos"
    assert desktop["Name[zh_CN]"] == "Custos 客户资料管理"
    assert desktop["Exec"] == "custos"
    assert desktop["Icon"] == "custos"
    assert "Office" in desktop["Categories"].split(";")


def test_icons_are_drawn_from_the_svg_at_the_sizes_desktops_use():
    svg = (INSTALLER / "custos.svg").read_text("utf-8")
    assert 'viewBox="0 0 256 256"' in svg
    png = (INSTALLER / "custos.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (256, 256)
    ico = (INSTALLER / "custos.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1)
    widths = {ico[6 + 16 * i] or 256 for i in range(count)}
    assert {16, 32, 48, 256} <= widths


def test_windows_installer_keeps_the_promises_of_the_issue():
    raw = (INSTALLER / "custos.iss").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, or Inno Setup misreads Chinese"
    script = raw.decode("utf-8-sig")
    assert "PrivilegesRequired=admin" in script
    assert r"DefaultDirName={autopf}\Custos" in script
    assert re.search(r'^Name: "\{autoprograms\}\\Custos"', script, re.M), "Start-menu entry"
    data_dir = re.search(r'^Name: "\{commonappdata\}\\Custos";(.*)$', script, re.M)
    assert data_dir, "the per-machine data folder"
    assert "Permissions: users-modify" in data_dir.group(1)
    assert "uninsneveruninstall" in data_dir.group(1)
    # Removing the data is a question whose default answer is No.
    assert "procedure CurUninstallStepChanged(" in script
    assert "MB_YESNO or MB_DEFBUTTON2, IDNO) = IDYES" in script
    assert r'Source: "{#BundleDir}\*"' in script
    assert '#define BundleDir "..\\dist\\custos"' in script

