"""What the Python interop drivers share: the pass/fail tally every script ends with, and an
HTTP request that never follows a redirect and never raises on a status (stdlib only)."""

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
