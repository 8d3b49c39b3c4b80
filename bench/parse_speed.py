"""Print how fast the parser reads the corpus: setup costs, pages per second, language id cost.

Run: .venv/bin/python bench/parse_speed.py [ROUNDS]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "data" / "pages.jsonl"


def main(rounds: int = 20) -> None:
    """Time the one-off costs, then parse the corpus pages `rounds` times."""
    started = time.perf_counter()
    from speechld.errors import NotASpeech
    from speechld.parse import parse_page
    from speechld.parse.concepts import vocabulary
    from speechld.parse.language import _detector, identify

    imported = time.perf_counter()
    for name in ("type", "group", "function"):
        vocabulary(name)
    vocabularies = time.perf_counter()
    identify("Takk, president! Jeg vil gjerne si noe om dette forslaget.")
    detector = time.perf_counter()
    print(
        f"import {1000 * (imported - started):.0f} ms, vocabularies "
        f"{1000 * (vocabularies - imported):.1f} ms, language detector "
        f"{1000 * (detector - vocabularies):.0f} ms (once per process)"
    )

    pages = [json.loads(line) for line in CORPUS.open(encoding="utf-8")]
    speeches = 0
    started = time.perf_counter()
    for _ in range(rounds):
        for page in pages:
            try:
                parse_page(page["text"], page["url"])
                speeches += 1
            except NotASpeech:
                pass
    elapsed = time.perf_counter() - started
    print(
        f"parsed {rounds * len(pages)} pages ({speeches} speeches) in {elapsed:.2f} s: "
        f"{rounds * len(pages) / elapsed:,.0f} pages/s, {speeches / elapsed:,.0f} speeches/s"
    )

    texts = [page["text"] for page in pages]
    detect = _detector()
    started = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            detect.detect_language_of(text)
    full = (time.perf_counter() - started) / (rounds * len(texts))
    started = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            identify(text)
    sampled = (time.perf_counter() - started) / (rounds * len(texts))
    print(
        f"language id: {1000 * full:.2f} ms on a whole page, {1000 * sampled:.2f} ms on the "
        f"bounded sample the parser uses"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
