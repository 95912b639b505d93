#!/usr/bin/env python3
"""The example client backend (Examples/ClientBackend) end to end against `liveform sandbox`,
driven by a headless "browser" that shares nothing with the SDK: Python's stdlib only.

    python3 Tools/interop/example_e2e.py BINARY EXAMPLE_BINARY

BINARY is `liveform`, EXAMPLE_BINARY is `liveform-example-backend` (both copied to a private
folder first, so a concurrent `swift build` cannot break the run).

1. Picks a free port for the sandbox, starts the example on port 0 with the sandbox's form
   and API URLs and the project's key in LIVEFORM_KEY, and reads its ready line.
2. Starts `BINARY sandbox --port N --config C`, C's project sending webhooks to the example's
   /webhooks/argos and the browser back to its /kyc/return (skipResultPage).
3. GET example/signup (no redirect following): a 302 to the sandbox's Liveform; GETs that page
   and checks it shows the parameters, decrypted; POSTs the completion form (approved).
4. Follows the 302 to the example's Return URL page, which must show approved.
5. Polls the example's /events until `created` and `approved` arrived (decrypted by it), and
   checks its --events-file.
6. GET example/status/ID: approved, read by the example through the REST API with Secure
   Data Transfer. Then a few refusals, and SIGTERM stops both with status 0.

Output: one `FAIL: …` line per failure, then exactly `N passed, M failed`; exit 1 if M > 0.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from checks import Checks, free_port, request, wait_for  # Tools/interop/checks.py

API_KEY = "DEMO-ONLY-example-e2e-key"
PID = "example-e2e-project"
EMAIL = "kim+e2e@example.com"
USERID = "e2e-user-42"


def start(arguments, prefix, log, env=None):
    """Starts a server; (process, its base URL or None, the first stdout line)."""
    process = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=log, text=True, env=env)
    line = process.stdout.readline().strip()
    return process, (line[len(prefix):] if line.startswith(prefix) else None), line


def hidden_value(page, name):
    marker = f'name="{name}" value="'
    return page[page.index(marker) + len(marker):].split('"', 1)[0] if marker in page else ""


def dd(page, element_id):
    """The text of <dd id="ID">…</dd> (our pages put one value in each)."""
    marker = f'<dd id="{element_id}">'
    return page[page.index(marker) + len(marker):].split("</dd>", 1)[0] if marker in page else None


def stop(process):
    """SIGTERM; the exit status (None if it had to be killed)."""
    if process is None or process.poll() is not None:
        return process.poll() if process else None
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return None


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 64
    checks = Checks()
    work = tempfile.mkdtemp(prefix="example-e2e-")
    binary = os.path.join(work, "liveform")
    example_binary = os.path.join(work, "liveform-example-backend")
    shutil.copy2(sys.argv[1], binary)
    shutil.copy2(sys.argv[2], example_binary)
    config = os.path.join(work, "config.json")
    events_file = os.path.join(work, "events.jsonl")
    sandbox_log = open(os.path.join(work, "sandbox.log"), "w")
    example_log = open(os.path.join(work, "example.log"), "w")
    sandbox = example = None
    try:
        # The example needs the sandbox's URL at start, and the sandbox the example's: the
        # sandbox's port is chosen here, the example's by the example (port 0).
        sandbox_port = free_port()
        sandbox_base = f"http://127.0.0.1:{sandbox_port}"
        env = {"PATH": "/usr/bin:/bin", "LIVEFORM_KEY": API_KEY}
        example, example_base, line = start(
            [example_binary, "--port", "0", "--pid", PID, "--form-url", sandbox_base + "/",
             "--api-base-url", sandbox_base + "/v3", "--allow-sender", "127.0.0.1", "--events-file", events_file],
            "example backend ready at ", example_log, env)
        if not checks.check(example_base and example_base.startswith("http://127.0.0.1:"), f"example ready line: {line!r}"):
            return checks.finish()
        with open(config, "w") as file:
            json.dump({"projects": [{
                "pid": PID, "apiKey": API_KEY,
                "webhookURL": example_base + "/webhooks/argos", "returnURL": example_base + "/kyc/return",
                "skipResultPage": True, "webhookRetry": {"attempts": 20, "initialDelay": 0.1, "factor": 1.5},
            }]}, file)
        sandbox, base, line = start([binary, "sandbox", "--port", str(sandbox_port), "--config", config],
                                    "sandbox ready at ", sandbox_log)
        if not checks.check(base == sandbox_base, f"sandbox ready line: {line!r} (expected {sandbox_base})"):
            return checks.finish()

        # 1. The example sends the user to the Liveform.
        query = urllib.parse.urlencode({"email": EMAIL, "userid": USERID, "lang": "en"})
        status, headers, _ = request(f"{example_base}/signup?{query}")
        location = headers.get("Location", "")
        checks.check(status == 302 and location.startswith(sandbox_base + "/?pid=" + PID + "&encrypted="),
                     f"signup: {status} {location!r}")
        checks.check(EMAIL not in location and urllib.parse.quote(EMAIL) not in location and USERID not in location,
                     "the Liveform URL carries the email and userid only encrypted")

        # 2. The form reads it.
        status, _, page = request(location)
        checks.check(status == 200 and "SANDBOX — not ARGOS" in page, f"Liveform page: {status}")
        checks.check(f"<td>email</td><td>{EMAIL}</td><td>encrypted</td>" in page, "the page shows the decrypted email")
        checks.check(f"<td>userid</td><td>{USERID}</td><td>encrypted</td>" in page, "the page shows the decrypted userid")
        checks.check('<dd id="lang">en</dd>' in page, "the page shows lang")
        session = hidden_value(page, "session")
        checks.check(session != "", "the page has a session")

        # 3. The user completes it: approved.
        form = urllib.parse.urlencode({"session": session, "fullName": "Kim Minji", "decision": "approved"}).encode()
        status, headers, _ = request(f"{base}/_sandbox/complete", data=form, content_type="application/x-www-form-urlencoded")
        return_url = headers.get("Location", "")
        checks.check(status == 302 and return_url.startswith(example_base + "/kyc/return?encrypted="),
                     f"complete: {status} {return_url!r}")

        # 4. The browser follows it to the example's Return URL page.
        status, _, page = request(return_url)
        submission_id = dd(page, "submissionId") or ""
        checks.check(status == 200, f"Return URL page status {status}")
        checks.check(dd(page, "kycStatus") == "approved", f"Return URL page kycStatus {dd(page, 'kycStatus')!r}")
        checks.check(dd(page, "userid") == USERID, f"Return URL page userid {dd(page, 'userid')!r}")
        checks.check(len(submission_id) == 24, f"Return URL page submissionId {submission_id!r}")

        # 5. The webhooks reach the example, which decrypts and stores them.
        def events():
            status, _, text = request(f"{example_base}/events")
            return json.loads(text) if status == 200 else []

        def arrived():
            return [(e.get("trigger"), e.get("submissionId")) for e in events()]

        expected = [("created", submission_id), ("approved", submission_id)]
        checks.check(wait_for(lambda: arrived() == expected), f"example /events: {arrived()}")
        with open(events_file) as file:
            lines = [json.loads(text) for text in file.read().splitlines()]
        checks.check([entry.get("event", {}).get("webhook_trigger") for entry in lines] == ["created", "approved"],
                     f"events file triggers: {lines}")
        checks.check(all(entry.get("event", {}).get("email") == EMAIL for entry in lines), "events file: the decrypted email")
        status, _, text = request(f"{base}/_sandbox/deliveries")
        deliveries = json.loads(text) if status == 200 else []
        checks.check([d.get("status") for d in deliveries] == ["delivered", "delivered"], f"sandbox deliveries: {deliveries}")

        # 6. The example asks the REST API (Secure Data Transfer on, the sandbox's default).
        status, _, text = request(f"{example_base}/status/{submission_id}")
        answer = json.loads(text) if status == 200 else {}
        checks.check(status == 200 and answer.get("kycStatus") == "approved", f"status: {status} {text}")
        checks.check(answer.get("submissionId") == submission_id and answer.get("email") == EMAIL
                     and answer.get("userid") == USERID, f"status fields: {answer}")

        # Refusals.
        status, _, _ = request(f"{example_base}/status/no-such-submission")
        checks.check(status == 404, f"unknown submission: {status}")
        status, _, _ = request(f"{example_base}/signup?email=only%40example.com")
        checks.check(status == 400, f"signup without userid: {status}")
        status, _, _ = request(f"{example_base}/kyc/return?encrypted=AAAA")
        checks.check(status == 400, f"a Return URL that does not decrypt: {status}")
        status, _, _ = request(f"{example_base}/webhooks/argos", data=b'{"data":"AAAA"}', content_type="application/json")
        checks.check(status in (400, 403), f"a webhook that does not decrypt: {status}")
        checks.check(len(events()) == 2, "a refused webhook is not stored")

        with open(os.path.join(work, "example.log")) as file:
            log = file.read()
        checks.check(API_KEY not in log and "encrypted=" not in log and EMAIL not in log,
                     "the example's log has no key, no token and no email")

        checks.check(stop(example) == 0, "SIGTERM stops the example with status 0")
        checks.check(stop(sandbox) == 0, "SIGTERM stops the sandbox with status 0")
    finally:
        for process in (example, sandbox):
            if process and process.poll() is None:
                process.kill()
        sandbox_log.close()
        example_log.close()
        if checks.failed:
            for name in ("example.log", "sandbox.log"):
                with open(os.path.join(work, name)) as file:
                    tail = file.read().splitlines()[-20:]
                print(f"--- last lines of {name}:", *tail, sep="\n", file=sys.stderr)
        shutil.rmtree(work, ignore_errors=True)
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
