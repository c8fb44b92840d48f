#!/usr/bin/env python3
"""A local stand-in for the GitHub REST v3 pulls API and the GitLab v4 merge-requests API, following
their documented contracts for the calls shepherd-agent makes. Usage:
fake_forge.py PORT_FILE LOG_FILE TOKEN. Every request is appended to LOG_FILE as one JSON line."""
import json
import re
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port_file, log_file, token = sys.argv[1:4]
pulls = {}  # "owner/repo" -> list of GitHub pulls
mrs = {}    # project id/path -> list of GitLab merge requests


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        with open(log_file, "a") as f:
            f.write(json.dumps({"method": self.command, "path": self.path,
                                "authorization": self.headers.get("Authorization", ""), "body": body}) + "\n")
        if self.headers.get("Authorization") != "Bearer " + token:
            return self.reply(401, {"message": "Bad credentials"})
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        m = re.fullmatch(r"/repos/([^/]+)/([^/]+)/pulls(?:/(\d+))?", url.path)
        if m:
            return self.github(m.group(1), m.group(2), m.group(3), q, body)
        m = re.fullmatch(r"/api/v4/projects/([^/]+)/merge_requests(?:/(\d+))?", url.path)
        if m:
            return self.gitlab(urllib.parse.unquote(m.group(1)), m.group(2), q, body)
        return self.reply(404, {"message": "Not Found"})

    def github(self, owner, repo, number, q, body):
        items = pulls.setdefault(owner + "/" + repo, [])
        if self.command == "GET" and number is None:
            head = q.get("head")
            state = q.get("state", "open")
            found = [p for p in items if (state == "all" or p["state"] == state)
                     and (head is None or owner + ":" + p["head"]["ref"] == head)]
            return self.reply(200, found)
        if self.command == "POST" and number is None:
            if any(p["state"] == "open" and p["head"]["ref"] == body["head"] for p in items):
                return self.reply(422, {"message": "Validation Failed",
                                        "errors": [{"message": "A pull request already exists"}]})
            n = len(items) + 1
            pr = {"number": n, "state": "open", "title": body["title"], "body": body.get("body", ""),
                  "head": {"ref": body["head"]}, "base": {"ref": body["base"]},
                  "html_url": "https://github.example/%s/%s/pull/%d" % (owner, repo, n)}
            items.append(pr)
            return self.reply(201, pr)
        if self.command == "PATCH" and number is not None:
            for p in items:
                if p["number"] == int(number):
                    p["state"] = body.get("state", p["state"])
                    return self.reply(200, p)
            return self.reply(404, {"message": "Not Found"})
        return self.reply(405, {"message": "Method Not Allowed"})

    def gitlab(self, project, iid, q, body):
        items = mrs.setdefault(project, [])
        if self.command == "GET" and iid is None:
            state = q.get("state", "all")
            found = [m for m in items if (state == "all" or m["state"] == state)
                     and ("source_branch" not in q or m["source_branch"] == q["source_branch"])]
            return self.reply(200, found)
        if self.command == "POST" and iid is None:
            if any(m["state"] == "opened" and m["source_branch"] == body["source_branch"] for m in items):
                return self.reply(409, {"message": ["Another open merge request already exists for this source branch"]})
            n = len(items) + 1
            mr = {"iid": n, "id": 1000 + n, "state": "opened", "title": body["title"],
                  "source_branch": body["source_branch"], "target_branch": body["target_branch"],
                  "description": body.get("description", ""),
                  "web_url": "https://gitlab.example/%s/-/merge_requests/%d" % (project, n)}
            items.append(mr)
            return self.reply(201, mr)
        if self.command == "PUT" and iid is not None:
            for m in items:
                if m["iid"] == int(iid):
                    if body.get("state_event") == "close":
                        m["state"] = "closed"
                    return self.reply(200, m)
            return self.reply(404, {"message": "404 Not found"})
        return self.reply(405, {"message": "405 Method Not Allowed"})

    do_GET = do_POST = do_PATCH = do_PUT = handle_any


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os  # noqa: E402
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
