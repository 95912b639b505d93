#!/usr/bin/env python3
"""The sandbox's pages in a real browser: headless Chromium driven by Selenium (chromedriver).

    python3 Tools/interop/sandbox_browser.py BINARY

1. Starts `BINARY sandbox --port 0 --config C` (a private copy of the binary) with a project
   whose Return URL is a page served here, by Python.
2. Node builds the Liveform URL (ECB, K = SHA-256(UTF-8(API key)), node:crypto only): the SDK
   and the sandbox have no say in how it is made.
3. The browser opens it and the test checks what a person sees: the SANDBOX banner, a heading,
   the decrypted parameters, and a label for every input. It fills in the form, clicks
   Approve, checks the result page (its 5-second refresh to the Return URL is there), follows
   its link, and lands on the local Return URL page, which decrypts `encrypted` with Python's
   `cryptography` (ECB, same key) and shows the result.
4. The result must carry kycStatus "approved", the URL's userid and email, and the
   submission id the result page showed.

Needs `chromium` and `chromium-driver` (Debian) and `selenium` (PyPI); Tools/setup.sh --tests
installs them. Output: one `FAIL: …` line per failure, then exactly `N passed, M failed`;
exit 1 if M > 0.
"""

import base64
import hashlib
import html
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.parse

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

API_KEY = "DEMO-ONLY-browser-test-api-key"  # obviously fake, for this test only
PID = "browser-project"
PARAMS = {"email": "jane.sample@example.com", "userid": "user-DEMO-42", "cf1": "plan basic & more"}

passed = 0
failures = []


def check(name, condition, detail=""):
    global passed
    if condition:
        passed += 1
    else:
        failures.append(f"{name}: {detail}")


def node_url(base):
    """The Liveform URL, built by Node's crypto from the wire format alone."""
    script = r"""
const crypto = require('node:crypto');
const [base, pid, apiKey, params] = process.argv.slice(1);
const key = crypto.createHash('sha256').update(apiKey, 'utf8').digest();
const cipher = crypto.createCipheriv('aes-256-ecb', key, null);
const token = Buffer.concat([cipher.update(params, 'utf8'), cipher.final()]).toString('base64');
const strict = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
console.log(`${base}/?pid=${strict(pid)}&encrypted=${strict(token)}&lang=en`);
"""
    out = subprocess.run(["node", "-e", script, base, PID, API_KEY, json.dumps(PARAMS, separators=(",", ":"))],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def decrypt_return(token):
    key = hashlib.sha256(API_KEY.encode()).digest()
    decryptor = Cipher(algorithms.AES(key), modes.ECB()).decryptor()
    padded = decryptor.update(base64.b64decode(token)) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return json.loads(unpadder.update(padded) + unpadder.finalize())


class ReturnPage(http.server.BaseHTTPRequestHandler):
    """The client site's Return URL page: decrypts and shows what the sandbox sent."""

    def do_GET(self):
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        try:
            result = decrypt_return(query["encrypted"][0])
            body = f'<h1>Welcome back</h1><pre id="result">{html.escape(json.dumps(result))}</pre>'
        except Exception as error:  # shown on the page, so the test names it
            body = f'<h1>Return URL not readable</h1><pre id="error">{html.escape(repr(error))}</pre>'
        data = f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Return</title></head><body>{body}</body></html>'.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def start_sandbox(binary, config_path):
    process = subprocess.Popen([binary, "sandbox", "--port", "0", "--config", config_path],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline().strip()
    prefix = "sandbox ready at "
    if not line.startswith(prefix):
        process.kill()
        raise RuntimeError(f"the sandbox did not start: {line!r}")
    return process, line[len(prefix):]


def browser():
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium:
        options.binary_location = chromium
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    return webdriver.Chrome(service=Service(driver_path), options=options)


def main():
    if len(sys.argv) != 2:
        print("usage: sandbox_browser.py BINARY", file=sys.stderr)
        return 2
    work = tempfile.mkdtemp(prefix="liveform-browser-")
    binary = os.path.join(work, "liveform")
    shutil.copy(sys.argv[1], binary)
    os.chmod(binary, 0o755)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ReturnPage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return_url = f"http://127.0.0.1:{server.server_address[1]}/kyc/return"

    config_path = os.path.join(work, "sandbox.json")
    with open(config_path, "w") as handle:
        json.dump({"projects": [{"pid": PID, "apiKey": API_KEY, "liveformEncryption": "ecb", "returnURL": return_url}]},
                  handle)
    sandbox, base = start_sandbox(binary, config_path)
    driver = None
    try:
        url = node_url(base)
        driver = browser()
        wait = WebDriverWait(driver, 20)

        driver.get(url)
        page = driver.find_element(By.TAG_NAME, "body").text
        check("banner", "SANDBOX" in page and "not ARGOS" in page, page[:200])
        check("heading", len(driver.find_elements(By.TAG_NAME, "h1")) == 1, "one h1 expected")
        check("lang", driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en", "html lang")
        for name, value in PARAMS.items():
            check(f"parameter {name} shown decrypted", value in page, page[:400])
        inputs = [i for i in driver.find_elements(By.CSS_SELECTOR, "form input") if i.get_attribute("type") != "hidden"]
        check("the form has its inputs", {i.get_attribute("name") for i in inputs} == {"fullName", "birthDate", "nationality"},
              str([i.get_attribute("name") for i in inputs]))
        for field in inputs:
            labels = driver.find_elements(By.CSS_SELECTOR, f'label[for="{field.get_attribute("id")}"]')
            check(f"input {field.get_attribute('name')} has a label", len(labels) == 1 and labels[0].text.strip() != "",
                  "no label")

        driver.find_element(By.ID, "fullName").send_keys("Jane Sample")
        driver.find_element(By.ID, "birthDate").send_keys("1990-04-12")
        driver.find_element(By.ID, "nationality").send_keys("KOR")
        driver.find_element(By.CSS_SELECTOR, 'button[name="decision"][value="approved"]').click()

        wait.until(ec.presence_of_element_located((By.ID, "submissionId")))
        submission_id = driver.find_element(By.ID, "submissionId").text.strip()
        check("result page: a submission id", len(submission_id) > 0, "empty")
        check("result page: approved", driver.find_element(By.ID, "result").text.strip() == "approved",
              driver.find_element(By.ID, "result").text)
        refresh = driver.find_elements(By.CSS_SELECTOR, 'meta[http-equiv="refresh"]')
        check("result page: the vendor's 5-second redirect",
              len(refresh) == 1 and refresh[0].get_attribute("content").startswith("5;url=" + return_url),
              refresh[0].get_attribute("content") if refresh else "no meta refresh")
        driver.find_element(By.ID, "return").click()

        wait.until(ec.url_contains("/kyc/return"))
        errors = driver.find_elements(By.ID, "error")
        check("the Return URL decrypts", not errors, errors[0].text if errors else "")
        if not errors:
            result = json.loads(driver.find_element(By.ID, "result").text)
            check("return: kycStatus", result.get("kycStatus") == "approved", str(result))
            check("return: userid", result.get("userid") == PARAMS["userid"], str(result))
            check("return: email", result.get("email") == PARAMS["email"], str(result))
            check("return: cf1", result.get("cf1") == PARAMS["cf1"], str(result))
            check("return: submissionId", result.get("submissionId") == submission_id, str(result))
    except Exception as error:
        failures.append(f"browser run: {error!r}")
    finally:
        if driver is not None:
            driver.quit()
        sandbox.terminate()
        try:
            sandbox.wait(timeout=10)
        except subprocess.TimeoutExpired:
            sandbox.kill()
        server.shutdown()
        shutil.rmtree(work, ignore_errors=True)

    for failure in failures:
        print(f"FAIL: {failure}")
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
