"""The signed SMS inbound webhook under load, against a bare Django view on the same server.

Children text a topic, then their words (each pair stores a statement), from several client
threads, each child's pair in order from one thread as one phone would send them; the bare view
gets the same number of signed POSTs. Used by `python -m bench`.
"""

import http.client
import statistics
import threading
import time
from urllib.parse import urlencode

from django.conf import settings
from twilio.request_validator import RequestValidator


def signed(base_url: str, path: str, params: dict) -> tuple[str, dict]:
    signature = RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(f"{base_url}{path}", params)
    return urlencode(params), {"X-Twilio-Signature": signature, "Content-Type": "application/x-www-form-urlencoded"}


def drive(port: int, requests: list[tuple[str, str, dict]], concurrency: int, group: int = 1) -> dict:
    """Send the requests from `concurrency` threads; runs of `group` stay in order on one thread."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    groups = [requests[i : i + group] for i in range(0, len(requests), group)]
    chunks = [[r for g in groups[i::concurrency] for r in g] for i in range(concurrency)]

    def worker(chunk):
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, failed = [], 0
        for path, body, headers in chunk:
            start = time.perf_counter()
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - start)
            failed += response.status != 200
        conn.close()
        with lock:
            latencies.extend(mine)
            errors += failed

    threads = [threading.Thread(target=worker, args=(chunk,)) for chunk in chunks]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "errors": errors,
        "seconds": round(elapsed, 3),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 2),
    }


def requests_for(base_url: str, phones: list[str]) -> tuple[list, list, list]:
    """Signed webhook requests (a topic, then words, for each phone), as many for the bare view and for the floor."""
    webhook = []
    for n, phone in enumerate(phones):
        for step, body in enumerate(("7", f"Benchmark message {n}: can I change my maths set?")):
            params = {"MessageSid": f"SM{n:016d}{step:016d}", "From": phone, "To": "+447700900999", "Body": body}
            webhook.append(("/sms/inbound/", *signed(base_url, "/sms/inbound/", params)))
    bare = [
        ("/bench/bare/", *signed(base_url, "/bench/bare/", {"MessageSid": f"SMbare{n}", "Body": "x"}))
        for n in range(len(webhook))
    ]
    # The floor (bench/urls.py) keeps every text, so each is one phone's words with a fresh MessageSid.
    floor = []
    for n in range(len(webhook)):
        params = {"MessageSid": f"SMfloor{n:026d}", "From": phones[n % len(phones)], "To": "+447700900999",
                  "Body": f"Benchmark message {n}: can I change my maths set?"}  # fmt: skip
        floor.append(("/bench/floor/sms/", *signed(base_url, "/bench/floor/sms/", params)))
    return webhook, bare, floor
