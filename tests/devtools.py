"""Headless Chromium driven over the DevTools protocol on a pipe, to measure rendered pages.

The pages forbid scripts (Content-Security-Policy), but DevTools evaluates in the page
without being a page script, so a test can read layout values such as scrollWidth.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

Message = dict[str, Any]
TIMEOUT = 60  # seconds to wait for any one answer from Chromium


class Browser:
    """One Chromium tab: navigate to a URL, evaluate an expression there."""

    def __init__(self, process: subprocess.Popen[bytes], send: int, receive: int) -> None:
        """A browser whose protocol pipe is (send, receive)."""
        self.process, self.send, self.receive = process, send, receive
        self.buffer, self.last_id, self.session = b"", 0, ""
        self.events: list[Message] = []  # every event received, in order

    def message(self, wanted: Callable[[Message], bool]) -> Message:
        """The next protocol message that `wanted` accepts; others are dropped."""
        while True:
            while b"\0" not in self.buffer:
                if not select.select([self.receive], [], [], TIMEOUT)[0]:
                    raise TimeoutError(f"Chromium did not answer within {TIMEOUT} s")
                chunk = os.read(self.receive, 1 << 16)
                if not chunk:
                    raise RuntimeError("Chromium closed its DevTools pipe")
                self.buffer += chunk
            raw, self.buffer = self.buffer.split(b"\0", 1)
            found: Message = json.loads(raw)
            if "method" in found:
                self.events.append(found)
            if wanted(found):
                return found

    def post(self, method: str, params: dict[str, Any] | None = None) -> int:
        """Send a command; its id."""
        self.last_id += 1
        command: Message = {"id": self.last_id, "method": method, "params": params or {}}
        if self.session:
            command["sessionId"] = self.session
        os.write(self.send, json.dumps(command).encode() + b"\0")
        return self.last_id

    def call(self, method: str, params: dict[str, Any] | None = None) -> Message:
        """Send a command and wait for its result."""
        sent = self.post(method, params)
        answer = self.message(lambda m: m.get("id") == sent)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        result: Message = answer["result"]
        return result

    def open_tab(self, width: int, height: int) -> None:
        """Open a tab whose viewport is width x height CSS pixels, and attach to it."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        attached = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})
        self.session = attached["sessionId"]
        metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
        self.call("Emulation.setDeviceMetricsOverride", metrics)
        self.call("Page.enable")

    def load(self, url: str) -> None:
        """Navigate to the URL and wait until it has loaded."""
        self.post("Page.navigate", {"url": url})
        self.message(lambda m: m.get("method") == "Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page."""
        params = {"expression": expression, "returnByValue": True}
        return self.call("Runtime.evaluate", params)["result"].get("value")


@contextmanager
def browser(
    binary: str, flags: tuple[str, ...], profile: Path, width: int, height: int = 800
) -> Iterator[Browser]:
    """A headless Chromium with one tab of the given viewport, closed on exit."""
    to_browser, from_us = os.pipe()
    to_us, from_browser = os.pipe()

    def pipe_on_3_and_4() -> None:  # Chromium reads commands on fd 3, answers on fd 4
        os.dup2(to_browser, 3)
        os.dup2(from_browser, 4)
        os.set_inheritable(3, True)
        os.set_inheritable(4, True)

    process = subprocess.Popen(
        [binary, *flags, "--remote-debugging-pipe", f"--user-data-dir={profile}"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        close_fds=False,
        preexec_fn=pipe_on_3_and_4,
    )
    os.close(to_browser)
    os.close(from_browser)
    try:
        tab = Browser(process, from_us, to_us)
        tab.open_tab(width, height)
        yield tab
    finally:
        process.kill()
        process.wait()
        os.close(from_us)
        os.close(to_us)
