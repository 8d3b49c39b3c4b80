"""A private Virtuoso for the remote-store tests, run from tests/virtuoso.ini on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from requests.auth import HTTPDigestAuth

from speechld.store import RemoteSettings

CONFIG = Path(__file__).with_name("virtuoso.ini")
SERVER = "virtuoso-t"
NOT_INSTALLED = (
    "virtuoso-t is not installed (apt-get install virtuoso-opensource): "
    "the tests of the remote store on Virtuoso are skipped"
)
USER, PASSWORD = "dba", "dba"  # the default account of a new Virtuoso database


def installed() -> bool:
    """Whether the Virtuoso server binary is on the PATH."""
    return shutil.which(SERVER) is not None


@dataclass
class Virtuoso:
    """A running Virtuoso: its HTTP root, process and database directory."""

    url: str
    process: subprocess.Popen[bytes]
    directory: Path

    @property
    def settings(self) -> RemoteSettings:
        """How speechld reaches it: /sparql to read, Digest-authenticated endpoints to write."""
        return RemoteSettings(
            query_url=self.url + "sparql",
            update_url=self.url + "sparql-auth",
            graph_store_url=self.url + "sparql-graph-crud-auth",
            user=USER,
            password=PASSWORD,
            auth="digest",
            timeout=60.0,
        )

    def env(self) -> dict[str, str]:
        """The environment a `speechld` command needs to use it as its store."""
        return {
            "SPEECHLD_STORE": self.settings.query_url,
            "SPEECHLD_UPDATE_URL": self.settings.update_url,
            "SPEECHLD_GRAPH_STORE_URL": self.settings.graph_store_url or "",
            "SPEECHLD_STORE_USER": USER,
            "SPEECHLD_STORE_PASSWORD": PASSWORD,
            "SPEECHLD_STORE_AUTH": "digest",
        }

    def clear(self) -> None:
        """Drop every graph speechld wrote (names with /graph/), leaving Virtuoso's own."""
        response = requests.post(
            self.url + "sparql",
            data={
                "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                'FILTER(CONTAINS(STR(?g), "/graph/")) }'
            },
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        )
        response.raise_for_status()
        names = [b["g"]["value"] for b in response.json()["results"]["bindings"]]
        for start in range(0, len(names), 200):  # Virtuoso refuses a few hundred DROPs at once
            update = " ;\n".join(f"DROP SILENT GRAPH <{name}>" for name in names[start:][:200])
            dropped = requests.post(
                self.url + "sparql-auth",
                data=update.encode("utf-8"),
                headers={"Content-Type": "application/sparql-update"},
                auth=HTTPDigestAuth(USER, PASSWORD),
                timeout=120,
            )
            dropped.raise_for_status()

    def log(self) -> str:
        """The end of the server's log."""
        path = self.directory / "virtuoso.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""


def start(directory: Path, sql_port: int, http_port: int, timeout: float = 90.0) -> Virtuoso:
    """Create a database in directory and start Virtuoso on it; wait until /sparql answers."""
    directory.mkdir(parents=True, exist_ok=True)
    config = (
        CONFIG.read_text(encoding="utf-8")
        .replace("{directory}", str(directory))
        .replace("{sql_port}", str(sql_port))
        .replace("{http_port}", str(http_port))
    )
    (directory / "virtuoso.ini").write_text(config, encoding="utf-8")
    with (directory / "stdout.log").open("wb") as out:
        process = subprocess.Popen(
            [SERVER, "+foreground", "+configfile", "virtuoso.ini"],
            cwd=directory,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "LANG": "C.UTF-8"},
            start_new_session=True,  # no job-control signal of the tests' session reaches it
        )
    server = Virtuoso(f"http://127.0.0.1:{http_port}/", process, directory)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"virtuoso-t exited ({process.returncode}):\n{server.log()}")
        try:
            answer = requests.get(server.url + "sparql", params={"query": "ASK {}"}, timeout=2)
            if answer.ok:
                allow_service(server, sql_port)
                return server
        except requests.RequestException:
            pass
        time.sleep(0.25)
    stop(server)
    raise RuntimeError(f"Virtuoso did not answer within {timeout} s:\n{server.log()}")


# Virtuoso runs SPARQL SERVICE calls only for users granted its service views; whether a
# query may call out is speechld's allow-list to decide before the query reaches it.
GRANTS = (
    'GRANT SELECT ON DB.DBA.SPARQL_SINV_2 TO "SPARQL";'
    ' GRANT EXECUTE ON DB.DBA.SPARQL_SINV_IMP TO "SPARQL";'
)


def allow_service(server: Virtuoso, sql_port: int) -> None:
    """Let anonymous SPARQL queries use SERVICE, through Virtuoso's SQL console."""
    done = subprocess.run(
        ["isql-vt", f"127.0.0.1:{sql_port}", USER, PASSWORD, f"exec={GRANTS}"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if done.returncode != 0 or "Error" in done.stdout:
        stop(server)
        raise RuntimeError(f"isql-vt could not grant SERVICE: {done.stdout}{done.stderr}")


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Stop a server process: asked first, killed if it does not end within 30 s."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=30)


def stop(server: Virtuoso) -> None:
    """Stop a Virtuoso started by start(), by its process id."""
    stop_process(server.process)


def frozen(server: Virtuoso) -> bool:
    """Whether every thread of the server is stopped (state T in /proc)."""
    tasks = Path(f"/proc/{server.process.pid}/task")
    states = [(task / "stat").read_text().rsplit(")", 1)[1].split()[0] for task in tasks.iterdir()]
    return all(state in "Tt" for state in states)


def freeze(server: Virtuoso, timeout: float = 10.0) -> None:
    """Stop the server's process (SIGSTOP) and wait until all its threads are stopped."""
    os.kill(server.process.pid, signal.SIGSTOP)
    deadline = time.monotonic() + timeout
    while not frozen(server):
        if time.monotonic() > deadline:
            raise RuntimeError(f"Virtuoso ({server.process.pid}) still runs after SIGSTOP")
        time.sleep(0.01)


def thaw(server: Virtuoso) -> None:
    """Let a frozen server go on (SIGCONT)."""
    os.kill(server.process.pid, signal.SIGCONT)
