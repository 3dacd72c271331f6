"""PDFium (pypdfium2) is not thread-safe: every use of it in this process holds `LOCK`.

The GUI renders previews on worker threads while printing renders on the window's thread,
and `custos request pages` renders in app/; two of them at once crash the process.
"""

from __future__ import annotations

import threading

LOCK = threading.RLock()
