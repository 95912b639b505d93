#!/usr/bin/env python3
"""A fake of the ARGOS REST API (v3) for the client's tests, written apart from the Swift code.

    python3 Tools/interop/fake_argos.py [--port N] [--port-file PATH] [--api-key KEY] [--sdt on|off]

Listens on 127.0.0.1 (port 0 picks a free one) and prints the port as the first line of
standard output (and writes it to --port-file, for a parent that should not block on a pipe). Plays the vendor's side: checks `x-api-key`, keeps submissions and Private
Mode tokens in memory, and with Secure Data Transfer on decrypts request bodies and wraps
JSON answers as {"data":"<token>"} (AES-256-ECB, key = SHA-256 of the API key, PKCS#7,
standard base64), with Python's `cryptography` only.

Control endpoints (never counted as API requests):
  POST /__control/faults    a JSON list of faults, each answering the next `count` matching
                            API requests instead of the normal handler:
                            {"count":1, "status":503, "body":{…} | "text":"…",
                             "headers":{"Retry-After":"1"}, "delay":0.5, "drop":false,
                             "method":"GET", "path":"/submission"}
  GET  /__control/requests  the API requests received: method, path, query, content_type,
                            encrypted, json (the decrypted body), t (monotonic seconds)
  POST /__control/reset     forgets the requests and faults
  POST /__control/config    {"sdt": true|false, "token_page_size": N}
"""
import argparse
import base64
import hashlib
import json
import os
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def ecb_encrypt(api_key, plaintext):
    key = hashlib.sha256(api_key.encode()).digest()
    padder = padding.PKCS7(128).padder()
    data = padder.update(plaintext) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return base64.b64encode(encryptor.update(data) + encryptor.finalize()).decode()


def ecb_decrypt(api_key, token):
    key = hashlib.sha256(api_key.encode()).digest()
    raw = base64.b64decode(token, validate=True)
    decryptor = Cipher(algorithms.AES(key), modes.ECB()).decryptor()
    data = decryptor.update(raw) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return unpadder.update(data) + unpadder.finalize()


def dumps(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def seed_submissions():
    items = []
    for n in range(1, 8):
        user = "u-1" if n <= 5 else "u-2"
        items.append({
            "submission_id": f"sub-{n}",
            "created_at": f"2026-01-{n:02d}T10:00:00.000Z",
            "email": f"{user}@example.com",
            "userid": user,
            "kyc": {"result": "pending" if n == 1 else "approved"},
            "data": {"name": f"Applicant {n}", "country": "KR"},
            "vendor_extra": {"zeta": 1, "alpha": [n]},
        })
    return items


class State:
    def __init__(self, api_key, sdt):
        self.lock = threading.Lock()
        self.api_key = api_key
        self.sdt = sdt
        self.token_page_size = 3
        self.submissions = seed_submissions()
        self.tokens = {}  # id -> updateTime, in insertion order
        self.images = {}
        self.faults = []
        self.requests = []
        self.clock = 0

    def take_fault(self, method, path):
        with self.lock:
            for fault in self.faults:
                if fault.get("method", method) != method or fault.get("path", path) != path:
                    continue
                fault["count"] = fault.get("count", 1) - 1
                if fault["count"] <= 0:
                    self.faults.remove(fault)
                return dict(fault)
        return None


class ClientError(Exception):
    def __init__(self, status, body):
        super().__init__(status)
        self.status = status
        self.body = body


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state = None  # set in main

    def log_message(self, fmt, *args):
        pass

    # MARK: plumbing

    def send_bytes(self, status, body, content_type, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def send_json(self, status, value, encrypt=True):
        body = dumps(value)
        if encrypt and self.state.sdt and 200 <= status < 300:
            body = dumps({"data": ecb_encrypt(self.state.api_key, body)})
        self.send_bytes(status, body, "application/json")

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def handle_any(self, method):
        url = urlsplit(self.path)
        path = url.path
        body = self.read_body()
        if path.startswith("/__control/"):
            return self.control(method, path, body)
        if not path.startswith("/v3/"):
            return self.send_json(404, {"message": "Not Found"}, encrypt=False)
        path = path[3:]
        query = parse_qsl(url.query, keep_blank_values=True)
        content_type = self.headers.get("Content-Type") or ""
        record = {"method": method, "path": path, "query": query, "content_type": content_type,
                  "encrypted": False, "json": None, "t": time.monotonic()}
        with self.state.lock:
            self.state.requests.append(record)

        fault = self.state.take_fault(method, path)
        if fault:
            if fault.get("delay"):
                time.sleep(fault["delay"])
            if fault.get("drop"):
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            if "status" in fault:
                if "text" in fault:
                    return self.send_bytes(fault["status"], fault["text"].encode(), "text/plain", fault.get("headers"))
                return self.send_bytes(fault["status"], dumps(fault.get("body", {})), "application/json", fault.get("headers"))

        key = self.headers.get("x-api-key")
        if key is None:
            return self.send_json(401, {"message": "Unauthorized"}, encrypt=False)
        if key != self.state.api_key:
            return self.send_json(403, {"message": "Forbidden"}, encrypt=False)
        try:
            parsed = None
            if body and not content_type.startswith("multipart/form-data"):
                parsed = self.decode_json_body(body, content_type, record)
            self.route(method, path, dict(query), query, parsed, body, content_type)
        except ClientError as error:
            self.send_json(error.status, error.body, encrypt=False)

    def decode_json_body(self, body, content_type, record):
        if self.state.sdt:
            if not content_type.startswith("text/plain"):
                raise ClientError(400, {"errorCode": "InvalidContentType", "errorMessage": "expected text/plain"})
            try:
                plaintext = ecb_decrypt(self.state.api_key, body.decode("ascii"))
            except Exception:
                raise ClientError(400, {"errorCode": "DecryptionFailed"})
            record["encrypted"] = True
        else:
            if not content_type.startswith("application/json"):
                raise ClientError(400, {"message": "expected application/json", "statusCode": 400})
            plaintext = body
        try:
            value = json.loads(plaintext)
        except ValueError:
            raise ClientError(400, {"message": "invalid JSON", "statusCode": 400})
        record["json"] = value
        return value

    def control(self, method, path, body):
        state = self.state
        if path == "/__control/faults" and method == "POST":
            with state.lock:
                state.faults.extend(json.loads(body))
            return self.send_json(200, {"ok": True}, encrypt=False)
        if path == "/__control/requests":
            with state.lock:
                return self.send_json(200, state.requests, encrypt=False)
        if path == "/__control/reset":
            with state.lock:
                state.requests.clear()
                state.faults.clear()
            return self.send_json(200, {"ok": True}, encrypt=False)
        if path == "/__control/config":
            config = json.loads(body)
            with state.lock:
                if "sdt" in config:
                    state.sdt = bool(config["sdt"])
                if "token_page_size" in config:
                    state.token_page_size = int(config["token_page_size"])
            return self.send_json(200, {"ok": True}, encrypt=False)
        return self.send_json(404, {"message": "no such control"}, encrypt=False)

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_PATCH(self):
        self.handle_any("PATCH")

    def do_DELETE(self):
        self.handle_any("DELETE")

    # MARK: the API

    def find(self, submission_id):
        for item in self.state.submissions:
            if item["submission_id"] == submission_id:
                return item
        return None

    def require(self, mapping, name):
        value = mapping.get(name) if isinstance(mapping, dict) else None
        if value in (None, ""):
            raise ClientError(400, {"errorCode": "MissingParameter", "errorMessage": f"{name} is required"})
        return value

    def route(self, method, path, q, query, body, raw, content_type):
        state = self.state
        if path == "/submission" and method == "GET":
            if "submission_id" in q:
                item = self.find(q["submission_id"])
                return self.send_json(200, {"Items": [item] if item else []})
            items = [s for s in state.submissions
                     if all(k not in q or s.get(k) == q[k] for k in ("userid", "email"))]
            if "start_date" in q:
                items = [s for s in items if s["created_at"][:10] >= q["start_date"]]
            if "end_date" in q:
                items = [s for s in items if s["created_at"][:10] <= q["end_date"]]
            if "request_type" in q and q["request_type"] not in ("kyc", "aml", "data", "others"):
                raise ClientError(400, {"message": "invalid request_type", "statusCode": 400})
            count = int(q.get("count", "50"))
            if "nextpage_id" in q:
                ids = [s["submission_id"] for s in items]
                start = ids.index(q["nextpage_id"]) + 1 if q["nextpage_id"] in ids else len(items)
                items = items[start:]
            page = items[:count]
            answer = {"Items": page}
            if len(items) > count:
                answer["nextpageKey"] = {"id": page[-1]["submission_id"], "created_at": page[-1]["created_at"]}
            return self.send_json(200, answer)
        if path == "/submission/review" and method == "POST":
            submission_id = self.require(body, "submissionId")
            status = self.require(body, "status")
            self.require(body, "admin")
            if status not in ("approved", "rejected"):
                raise ClientError(400, {"errorCode": "InvalidStatus"})
            if status == "rejected":
                self.require(body, "rejectComment")
            item = self.find(submission_id)
            if item is None:
                raise ClientError(404, {"message": "submission not found", "statusCode": 404})
            item["kyc"]["result"] = status
            return self.send_json(200, {"submissionId": submission_id, "message": "review updated", "finalStatus": status})
        if path == "/submission" and method == "PATCH":
            item = self.find(self.require(body, "submissionId"))
            self.require(body, "admin")
            data = self.require(body, "data")
            if item is None:
                raise ClientError(404, {"message": "submission not found", "statusCode": 404})
            item["data"].update(data)
            return self.send_json(200, {"message": "submission updated"})
        if path == "/submission" and method == "DELETE":
            item = self.find(self.require(q, "submission_id"))
            if item is None:
                raise ClientError(404, {"message": "submission not found", "statusCode": 404})
            state.submissions.remove(item)
            content = {"submission_id": item["submission_id"], "webhook": "admin_name" in q}
            return self.send_json(200, {"message": "deleted", "content": content, "statusCode": 200})
        if path == "/submission/partial" and method == "DELETE":
            item = self.find(self.require(q, "submission_id"))
            fields = self.require(q, "fields").split(",")
            if "data_fields" in q and "data" not in fields:
                raise ClientError(400, {"errorCode": "InvalidParameter", "Message": "data_fields needs data"})
            if item is None:
                raise ClientError(404, {"message": "submission not found", "statusCode": 404})
            for name in q.get("data_fields", "").split(","):
                item["data"].pop(name, None)
            return self.send_json(200, {"message": "fields deleted: " + ",".join(fields)})
        if path == "/image" and method == "GET":
            item = self.find(self.require(q, "submission_id"))
            kind = self.require(q, "type")
            if kind not in ("idImage", "idBackImage", "selfieImage", "addressImage"):
                raise ClientError(400, {"errorCode": "InvalidImageType"})
            if item is None:
                raise ClientError(404, {"message": "image not found", "statusCode": 404})
            image = state.images.get((item["submission_id"], kind), b"\xff\xd8\xff\xe0JPEG " + f"{item['submission_id']}/{kind}".encode())
            return self.send_bytes(200, image, "image/jpeg")
        if path == "/submission/image" and method == "PUT":
            if not content_type.startswith("multipart/form-data"):
                raise ClientError(400, {"errorCode": "ExpectedMultipart"})
            fields = parse_multipart(raw, content_type)
            item = self.find(self.require(fields, "submissionId"))
            self.require(fields, "admin")
            kinds = [k for k in ("idImage", "idBackImage", "selfieImage", "addressImage") if k in fields]
            if not kinds:
                raise ClientError(400, {"errorCode": "NoImage"})
            if item is None:
                raise ClientError(404, {"message": "submission not found", "statusCode": 404})
            for kind in kinds:
                state.images[(item["submission_id"], kind)] = base64.b64decode(fields[kind], validate=True)
            return self.send_json(200, {"message": "images updated: " + ",".join(kinds)})
        if path == "/submission/aml" and method == "POST":
            item = self.find(self.require(body, "submissionId"))
            if item is None:
                raise ClientError(404, {"message": "submission not found", "statusCode": 404})
            threshold = body.get("amlThreshold", 80)
            return self.send_json(200, {"message": "screened", "result": {"hits": 0, "threshold": threshold},
                                        "raw_data": [{"resourceId": "res-" + item["submission_id"]}]})
        if path == "/report/aml" and method == "GET":
            resource = self.require(q, "resourceId")
            return self.send_bytes(200, b"%PDF-1.4\n% AML report " + resource.encode() + b"\n%%EOF\n", "application/pdf")
        if path == "/submission/tokens":
            return self.tokens(method, q, body)
        if path == "/projects/settings" and method == "GET":
            if q.get("category") != "management":
                raise ClientError(400, {"errorCode": "InvalidCategory"})
            return self.send_json(200, {"traceId": "trace-1", "item": {"management": {"privateMode": True, "sdt": state.sdt}}})
        raise ClientError(404, {"message": "Not Found"})

    def tokens(self, method, q, body):
        state = self.state
        if method == "GET" and q.get("type") == "count":
            return self.send_json(200, {"success": True, "count": len(state.tokens)})
        if method == "GET" and "tokenId" in q:
            token = q["tokenId"]
            if token not in state.tokens:
                raise ClientError(404, {"errorCode": "TokenNotFound", "errorMessage": "no such token"})
            return self.send_json(200, {"success": True, "tokenId": token,
                                        "data": {"tokenId": token, "updateTime": state.tokens[token], "expired": False}})
        if method == "GET":
            ids = list(state.tokens)
            start = ids.index(q["nextPageKeyId"]) + 1 if q.get("nextPageKeyId") in ids else 0
            page = ids[start:start + state.token_page_size]
            answer = {"success": True, "data": [{"tokenId": t, "updateTime": state.tokens[t]} for t in page]}
            if start + len(page) < len(ids):
                answer["nextPageKeyId"] = page[-1]
                answer["nextPageKeyTime"] = state.tokens[page[-1]]
            return self.send_json(200, answer)
        ids = self.require(body, "tokenId")
        if method == "POST":
            if len(ids) > 500:
                raise ClientError(400, {"errorCode": "TooManyTokens", "errorMessage": "at most 500 tokens"})
            added = updated = 0
            with state.lock:
                for token in ids:
                    state.clock += 1
                    if token in state.tokens:
                        updated += 1
                    else:
                        added += 1
                    state.tokens[token] = f"2026-02-01T00:00:{state.clock:02d}Z"
            return self.send_json(200, {"success": True, "message": "tokens saved",
                                        "summary": {"requested": len(ids), "added": added, "updated": updated, "note": "ok"}})
        if method == "DELETE":
            if len(ids) > 100:
                raise ClientError(400, {"errorCode": "TooManyTokens", "errorMessage": "at most 100 tokens"})
            deleted = missing = 0
            with state.lock:
                for token in ids:
                    if state.tokens.pop(token, None) is None:
                        missing += 1
                    else:
                        deleted += 1
            return self.send_json(200, {"success": missing == 0, "message": "tokens deleted",
                                        "summary": {"requested": len(ids), "deleted": deleted, "notFound": missing}})
        raise ClientError(404, {"message": "Not Found"})


def parse_multipart(raw, content_type):
    boundary = content_type.split("boundary=", 1)[1].strip().strip('"').encode()
    fields = {}
    for part in raw.split(b"--" + boundary):
        part = part.strip(b"\r\n")
        if not part or part == b"--":
            continue
        head, _, value = part.partition(b"\r\n\r\n")
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-disposition:") and b'name="' in line:
                name = line.split(b'name="', 1)[1].split(b'"', 1)[0].decode()
                fields[name] = value.decode()
    return fields


def main():
    parser = argparse.ArgumentParser(description="A fake ARGOS REST API for tests.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--api-key", default="DEMO-ONLY-not-a-real-argos-api-key")
    parser.add_argument("--sdt", choices=("on", "off"), default="on")
    parser.add_argument("--port-file")
    args = parser.parse_args()
    # A parent that spawned us from a thread may have blocked these: stopping must work.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    Handler.state = State(args.api_key, args.sdt == "on")
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    port = server.server_address[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as file:
            file.write(f"{port}\n")
        os.replace(args.port_file + ".tmp", args.port_file)
    print(port, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
