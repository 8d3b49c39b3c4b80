"""Where the project's files are, for tests and their data modules alike."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "000_662a71d7f3bf9c71.txt"
