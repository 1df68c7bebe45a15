"""Heard's processes for a benchmark: ASGI servers sharing one listening socket, and Celery workers."""

import contextlib
import http.client
import os
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listening on {port}")


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU time of one process, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK")
    idle = values[3] + values[4]
    return (sum(values) - idle) / ticks, sum(values) / ticks


class CpuMeter:
    """Where the CPU went during a run: Heard's web processes, its workers, and everything else
    (PostgreSQL, Redis, the load generator) as the machine's busy time less those two."""

    def __init__(self, web: list[int], workers: list[int]) -> None:
        self.web, self.workers = web, workers

    def __enter__(self) -> "CpuMeter":
        self.start = self._read()
        return self

    def _read(self) -> tuple[float, float, float, float]:
        busy, total = _machine_busy()
        return (sum(_cpu_seconds(p) for p in self.web), sum(_cpu_seconds(p) for p in self.workers), busy, total)

    def __exit__(self, *exc) -> None:
        end = self._read()
        web, workers, busy, total = (b - a for a, b in zip(self.start, end, strict=True))
        self.figures = {
            "machine_busy_percent": round(100 * busy / max(total, 1e-9), 1),
            "cpu_seconds": {"web": round(web, 2), "workers": round(workers, 2),
                            "database_redis_and_load": round(max(busy - web - workers, 0), 2)},
        }  # fmt: skip


# The ASGI servers compared: each serves HTTP and websockets (channels runs on both).
SERVERS = {
    "daphne": ["-m", "daphne", "--fd", "{fd}", "backend.asgi:application"],
    "uvicorn": ["-m", "uvicorn", "--fd", "{fd}", "--loop", "uvloop", "--http", "httptools", "--ws", "websockets",
                "--lifespan", "off", "--no-proxy-headers", "--no-server-header", "--no-access-log", "--log-level",
                "warning", "backend.asgi:application"],
}  # fmt: skip


def _procfile_web() -> str:
    return next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:"))


def production_server() -> str:
    """The ASGI server the Procfile's web process runs, so the benchmark measures what ships."""
    return next(name for name in SERVERS if name in _procfile_web())


def production_command(port: int) -> list[str]:
    """The Procfile's web command on 127.0.0.1:`port`, run by this Python: tests and tools serve Heard with it."""
    words = shlex.split(_procfile_web().removeprefix("web:").replace("${PORT:-8000}", str(port)))
    words[words.index("--host") + 1] = "127.0.0.1"
    return [sys.executable, "-m", *words]


def rss_mb(pid: int) -> float:
    """Resident memory of one process, in MB, from /proc."""
    try:
        line = next(x for x in Path(f"/proc/{pid}/status").read_text().splitlines() if x.startswith("VmRSS:"))
    except (OSError, StopIteration):
        return 0.0
    return round(int(line.split()[1]) / 1024, 1)


class Cluster:
    """`web` ASGI server processes (Daphne or Uvicorn) on one port (the kernel spreads connections
    between them, as a load balancer spreads them across machines) and `workers` Celery workers on
    the Redis broker."""

    def __init__(
        self, env: dict, port: int, logs: Path, web: int = 1, workers: int = 1, server: str = "daphne"
    ) -> None:
        self.env, self.port, self.logs, self.web, self.workers = env, port, logs, web, workers
        self.server = server
        self.processes: list[subprocess.Popen] = []
        self.web_pids: list[int] = []
        self.worker_pids: list[int] = []
        self.sockets: list[socket.socket] = []

    def __enter__(self) -> "Cluster":
        self.logs.mkdir(parents=True, exist_ok=True)
        for n in range(self.web):
            # A socket each on the same port (SO_REUSEPORT): the kernel spreads new connections
            # evenly across the processes, where one shared socket lets the quickest take them all.
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            # Uvicorn takes an inherited descriptor for a Unix socket (socket.fromfd(fd, AF_UNIX, ...)),
            # so it never turns Nagle's algorithm off as it does on TCP: each answer then waited ~40 ms
            # for the client's delayed ACK. Connections accepted inherit TCP_NODELAY from the listener.
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.bind(("127.0.0.1", self.port))
            sock.listen(1024)
            self.sockets.append(sock)
            command = [sys.executable, *(a.format(fd=sock.fileno()) for a in SERVERS[self.server])]
            self.web_pids.append(self._start(f"{self.server}-{n}", command, pass_fds=(sock.fileno(),)))
        for n in range(self.workers):
            command = [sys.executable, "-m", "celery", "-A", "backend", "worker", "-c", "1", "-n", f"bench{n}@%h",
                       "-l", "WARNING", "--without-gossip", "--without-mingle"]  # fmt: skip
            self.worker_pids.append(self._start(f"worker-{n}", command))
        self._wait_until_serving()
        return self

    def _wait_until_serving(self, seconds: float = 60) -> None:
        # The socket listens before any server is up: wait for answers, from every process.
        deadline, answered = time.monotonic() + seconds, 0
        while answered < 4 * self.web:
            if time.monotonic() > deadline:
                raise RuntimeError(f"Heard did not start on {self.port}: see {self.logs}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/bench/bare-api/")
                answered += conn.getresponse().status == 200
                conn.close()
            except OSError:
                time.sleep(0.3)

    def _start(self, name: str, command: list[str], pass_fds: tuple = ()) -> int:
        log = (self.logs / f"{name}.log").open("a")
        process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, pass_fds=pass_fds
        )
        self.processes.append(process)
        return process.pid

    def web_rss_mb(self) -> list[float]:
        """Resident memory of each web process now, in MB."""
        return [rss_mb(pid) for pid in self.web_pids]

    def cpu(self) -> CpuMeter:
        """Measure the CPU each part uses (a Celery worker's pool children are counted with the worker)."""
        return CpuMeter(self.web_pids, self.worker_pids + self._children(self.worker_pids))

    @staticmethod
    def _children(pids: list[int]) -> list[int]:
        found = []
        for pid in pids:
            with contextlib.suppress(OSError):
                found += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        return found

    def __exit__(self, *exc) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            # After a load run Daphne can take half a minute to go on SIGTERM (idle, it goes at
            # once); the figures are taken by now, so do not wait for it.
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for sock in self.sockets:
            sock.close()
