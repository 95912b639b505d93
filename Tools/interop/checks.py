"""What the Python interop drivers share: the pass/fail tally every script ends with, an HTTP
request that never follows a redirect and never raises on a status, a polling wait and a free
port (stdlib only)."""

import socket
import time
import urllib.error
import urllib.request


class Checks:
    """Counts checks; prints `FAIL: …` for each failure and ends with `N passed, M failed`."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, condition, what):
        if condition:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL: {what}", flush=True)
        return condition

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed", flush=True)
        return 1 if self.failed else 0


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def request(url, data=None, content_type=None, headers=None, method=None):
    """(status, headers, body text); never follows a redirect, never raises on a status (0 and
    the error's text when nothing answers)."""
    headers = dict(headers or {})
    if content_type:
        headers["Content-Type"] = content_type
    req = urllib.request.Request(url, data=data, method=method or ("POST" if data is not None else "GET"), headers=headers)
    try:
        with _OPENER.open(req, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8")
    except (urllib.error.URLError, OSError) as error:
        return 0, {}, str(error)


def wait_for(condition, polls=1500):
    """Polls `condition` up to `polls` times, 20 ms apart (a count, not a deadline, so that a
    loaded machine cannot time out a peer that answered)."""
    for _ in range(polls):
        if condition():
            return True
        time.sleep(0.02)
    return False


def free_port():
    """A loopback TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
