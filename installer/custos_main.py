"""The frozen program's entry point: PyInstaller starts here, and it is `custos` itself."""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
