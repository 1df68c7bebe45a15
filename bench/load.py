"""HTTP load from wrk (a C load generator, so the client is not what limits the server).

Each run is one wrk invocation with a Lua script: requests rotate over the given session tokens,
every POST carries a fresh Idempotency-Key, and wrk's `done` hook prints the figures as JSON.
"""

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

LUA = """
local tokens = {%(tokens)s}
local method, path, body = %(method)s, %(path)s, %(body)s
local counter = 0
local threads = {}

setup = function(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

request = function()
  counter = counter + 1
  local headers = {["Content-Type"] = "application/json"}
  if #tokens > 0 then headers["X-Session-Token"] = tokens[(counter %% #tokens) + 1] end
  if method == "POST" then headers["Idempotency-Key"] = "bench-" .. run .. "-" .. id .. "-" .. counter end
  return wrk.format(method, path, headers, body)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %%d, "duration_us": %%d, "connect": %%d, "read": %%d, "write": %%d, "status": %%d,' ..
    ' "timeout": %%d, "p50_us": %%d, "p90_us": %%d, "p99_us": %%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99)))
end
"""


def _lua_string(value: str | None) -> str:
    return "nil" if value is None else json.dumps(value)  # a JSON string is a valid Lua string here


def wrk(port: int, path: str, *, seconds: float, connections: int, tokens: list[str] = (), method: str = "GET",
        body: str | None = None, run: str = "0", threads: int = 2) -> dict:  # fmt: skip
    """Drive one endpoint for `seconds`; requests/s, p50/p90/p99 in ms and the count of failures."""
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed for the load runs: apt-get install wrk (make bench installs it)")
    script = LUA % {
        "tokens": ", ".join(json.dumps(t) for t in tokens),
        "method": _lua_string(method),
        "path": _lua_string(path),
        "body": _lua_string(body),
    }
    with tempfile.TemporaryDirectory() as folder:
        lua = Path(folder) / "run.lua"
        lua.write_text(f'run = "{run}"\n' + script)
        done = subprocess.run(
            ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", "30s", "-s",
             str(lua), f"http://127.0.0.1:{port}{path}"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    line = next(line for line in done.stdout.splitlines() if line.startswith("WRKJSON "))
    figures = json.loads(line.removeprefix("WRKJSON "))
    seconds_taken = figures["duration_us"] / 1e6
    failed = sum(figures[k] for k in ("connect", "read", "write", "status", "timeout"))
    return {
        "requests": figures["requests"],
        "failed": failed,
        "requests_per_second": round(figures["requests"] / seconds_taken, 1),
        "p50_ms": round(figures["p50_us"] / 1000, 2),
        "p90_ms": round(figures["p90_us"] / 1000, 2),
        "p99_ms": round(figures["p99_us"] / 1000, 2),
    }


def ratio(measured: dict, baseline: dict) -> dict:
    """The endpoint's figures as a ratio of the baseline's (throughput: higher is better; latency: lower)."""
    return {
        "throughput": round(measured["requests_per_second"] / baseline["requests_per_second"], 3),
        "p50": round(measured["p50_ms"] / max(baseline["p50_ms"], 0.001), 2),
        "p99": round(measured["p99_ms"] / max(baseline["p99_ms"], 0.001), 2),
    }
