"""Helpers shared by the unit tests, the broker tests and the benches (not tests themselves).

``corpus`` builds articles from the repository's own data, ``variants`` damages Arabic text
the way other outlets print it, ``cli`` runs the command line as a user would. Import them
as ``tests.support.<module>`` from the repository root (pytest and ``python -m bench.<name>``
both put it on the path).
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ARTICLES = REPO / "examples" / "articles"  # the project's own demo articles
