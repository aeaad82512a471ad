"""A local Wolkvox API v2, for tests and for trying pipelines without spending quota.

It serves, on 127.0.0.1:

- `reports_manager.php`: every report of the table in `reports.py`: `campaign_3` (predictive
  results), `campaign_5` (preview detail), `campaign_7` (answering-machine detail), `cdr_1` (call
  detail), `cdr_5` (failed outbound dials), `agent_14` (agent states), `agent_7` (login/logout),
  `chat_1` (chats, by close date), `skill_10` / `skill_2` (answered / abandoned inbound),
  `diagram_1` (IVR detail) and `quality_2` (quality evaluations). `campaign_id` and `skill_id`
  accept `all`: every campaign of the report's type (or every skill) in one answer, in the API's
  order, cut at 60,000 rows over the whole answer.
- `information.php`: `campaigns`, `agents`, `skills`, `activity_codes` and `token_info`.

It answers as `shared/wolkvox-api.md` documents the real API:

- `wolkvox-token` header: missing → 401 PLEASE ENTER THE WOLKVOX-TOKEN; unknown → 403
  PLEASE VALIDATE TOKEN.
- daily quota per operation (licences × 1000): past it → 403 TOKEN LIMIT EXCEEDED.
- at most 2 calls in flight per token: a third → 403 EXCEEDS THE LIMIT OF SIMULTANEOUS
  REQUESTS PER TOKEN (2).
- unknown `api` or missing parameter → 400; a window longer than the report's `RangeLimit` → 400
  (31 days, counted as `date_end - date_ini`, by default; `range_limits` gives a report its own,
  such as skill_5's one day, and `inclusive=True` counts both ends, the strict reading).
- a window with no rows → 404 "Validate dates entered".
- more than 60,000 rows → the first 60,000, silently.
- `code` as the integer 200 or the string "200" (always the string for reports whose doc shows
  it so, such as `skill_2`).

Faults can be injected on chosen calls (`Fault`), and the clock set and advanced, so
that tests can play any day of an operation. `Emulator.density[api] = n` makes one report
denser (about n rows per hour per campaign, skill or agent; for `agent_7`, sessions per agent
and day; `agent_14` and `cdr_1` share one: an agent's states per hour, a call per TALK state).
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from wolkvox_emulator.data import Campaign, default_campaigns
from wolkvox_emulator.reports import (
    REPORTS,
    ActivityCode,
    Agent,
    Context,
    Skill,
    default_activity_codes,
    default_agents,
    default_skills,
)

API_DATE_FORMAT = "%Y%m%d%H%M%S"
MAX_ROWS = 60_000
MAX_DAYS = 31
MAX_IN_FLIGHT = 2


@dataclass(frozen=True)
class RangeLimit:
    """The longest `date_ini`..`date_end` a report accepts ("31 days per query"), and how it counts.

    The docs do not say how the days are counted. By default `date_end - date_ini` is
    compared with them; `inclusive` counts both ends, so `[d 00:00:00, d+31 00:00:00]`
    is 31 days and one second: refused. `msg` is the refusal's wording (the real one
    is unknown).
    """

    days: int = MAX_DAYS
    inclusive: bool = False
    msg: str = ""
    """The 400's `msg`; empty: `THE MAXIMUM RANGE OF DATES IS {days} DAYS`."""

    def refuses(self, start: dt.datetime, end: dt.datetime) -> bool:
        counted = end - start + (dt.timedelta(seconds=1) if self.inclusive else dt.timedelta())
        return counted > dt.timedelta(days=self.days)

    def refusal(self) -> tuple[int, dict]:
        return envelope(400, "BAD REQUEST", self.msg or f"THE MAXIMUM RANGE OF DATES IS {self.days} DAYS")


@dataclass
class Fault:
    """Something going wrong on API call number `on_call` (1-based, counting every API call).

    kind: `status` (answer `status` with `msg`), `reset` (drop the connection), `slow`
    (wait `seconds`, then answer), `bad_json` (a 200 cut mid-body), `html` (a proxy's
    HTML page with `status`), and, on a report call: `drip_headers` / `drip_body` (send
    the answer one byte every `seconds`), `endless` (a 200 body that never ends), `bom`
    (a UTF-8 BOM before the JSON), `cut_rows` (the answer cut inside its rows),
    `html_echo` (an HTML error page quoting the first row), `data_object` (`data` as an
    object), `no_msg` (`status` with an envelope without `msg`), `stray_rows` (the
    answer plus rows from a day later), `duplicate_rows` (every row twice).
    """

    on_call: int
    kind: str
    status: int = 500
    msg: str = ""
    seconds: float = 0.0


@dataclass
class Call:
    """One API call as the emulator saw it."""

    number: int
    api: str
    params: dict
    status: int = 0
    rows: int = 0
    started: float = field(default_factory=time.monotonic)
    ended: float = 0.0
    """When the answer's last byte was sent (0 until then)."""


@dataclass
class Emulator:
    """The emulated operation: its campaigns, clock, tokens, quota and faults."""

    seed: int = 7
    campaigns: list[Campaign] = field(default_factory=default_campaigns)
    agents: list[Agent] = field(default_factory=default_agents)
    skills: list[Skill] = field(default_factory=default_skills)
    activity_codes: list[ActivityCode] = field(default_factory=default_activity_codes)
    density: dict[str, int] = field(default_factory=dict)
    """Rows per hour per partition member, by `api`, overriding the report's default (see `reports.py`)."""
    tokens: tuple[str, ...] = ("demo-token",)
    timezone: str = "America/Bogota"
    now: dt.datetime | None = None
    """Naive local time; rows after it do not exist yet. None: the real clock."""
    licences: int = 1
    quota: int | None = None
    """Calls per day; None: licences × 1000."""
    max_rows: int = MAX_ROWS
    range_limit: RangeLimit = field(default_factory=RangeLimit)
    """Every report's longest window (`date_ini`..`date_end`); a longer one is answered 400."""
    range_limits: dict[str, RangeLimit] = field(default_factory=dict)
    """Reports with a limit of their own, by `api` (e.g. skill_5's one day)."""
    end_exclusive: bool = False
    """Read `date_end` as exclusive: the API does not document which it is."""
    code_style: str = "alternate"
    """`int`, `str`, or `alternate` between them call by call."""
    faults: list[Fault] = field(default_factory=list)
    cache_bodies: bool = False
    """Keep encoded answers, so a benchmark measures the client, not the data generator."""
    calls: list[Call] = field(default_factory=list)
    _bodies: dict[tuple, tuple[int, bytes]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _in_flight: dict[str, int] = field(default_factory=dict, repr=False)
    peak_in_flight: int = 0
    """The most calls one token ever had in flight at once."""
    _used_today: dict[dt.date, int] = field(default_factory=dict, repr=False)
    _server: ThreadingHTTPServer | None = field(default=None, repr=False)

    # -- running ----------------------------------------------------------------------

    def start(self, port: int = 0) -> str:
        """Serve on 127.0.0.1 in a background thread; returns the base URL."""
        emulator = self

        class Handler(WolkvoxHandler):
            pass

        Handler.emulator = emulator
        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        # A short poll interval: `stop()` waits for it (0.5 s by default, per test that starts one).
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self.url

    @property
    def url(self) -> str:
        """Base URL, for the tap's `api_url`."""
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        """Stop serving."""
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    # -- clock and data ---------------------------------------------------------------

    def local_now(self) -> dt.datetime:
        """The operation's current naive local time."""
        if self.now is not None:
            return self.now
        return dt.datetime.now(ZoneInfo(self.timezone)).replace(tzinfo=None, microsecond=0)

    def advance(self, delta: dt.timedelta) -> None:
        """Move the clock on: rows up to the new `now` appear; a new day resets the quota."""
        self.now = self.local_now() + delta

    def campaign(self, campaign_id: str) -> Campaign | None:
        """The campaign with that id, if the operation has it."""
        return next((c for c in self.campaigns if c.campaign_id == campaign_id), None)

    def rows(self, campaign_id: str, start: dt.datetime, end: dt.datetime) -> list[dict]:
        """Every `campaign_3` row the API holds for a campaign in `start..end` (uncut), in the API's order."""
        return self.report_rows("campaign_3", start, end, campaign_id)

    def report_rows(
        self, api: str, start: dt.datetime, end: dt.datetime, partition: str | None = None
    ) -> list[dict]:
        """Every row the API holds for report `api` in `start..end` (uncut), in the API's order.

        `partition` is the `campaign_id` or `skill_id` asked; None or `all`: every member. The
        window is read as the API reads it (`end_exclusive`), on the report's filter field, and
        only rows that exist by the emulator's clock are returned.
        """
        report = REPORTS[api]
        end = min(end, self.local_now())
        if start > end:
            return []
        return report.rows(self.context(api), start, end, partition, end_exclusive=self.end_exclusive)

    def context(self, api: str) -> Context:
        """What the report generators see: seed, clock, the operation's lists, `density[api]`."""
        return Context(
            seed=self.seed,
            now=self.local_now(),
            campaigns=self.campaigns,
            agents=self.agents,
            skills=self.skills,
            codes=self.activity_codes,
            rate=self.density.get(api),
            default_rate=REPORTS[api].rows_per_hour,
            sessions_per_day=self.density.get("agent_7", REPORTS["agent_7"].rows_per_hour),
            # A cdr_1 call is an agent_14 TALK state: one density for both.
            states_per_hour=self.density.get("agent_14")
            or self.density.get("cdr_1", REPORTS["agent_14"].rows_per_hour),
        )

    @property
    def daily_quota(self) -> int:
        """Calls per day for the whole operation: licences × 1000 unless `quota` is set."""
        return self.quota if self.quota is not None else self.licences * 1000

    def calls_to(self, api: str) -> list[Call]:
        """The calls made to one `api`."""
        return [call for call in self.calls if call.api == api]

    # -- answering (called by the handler) --------------------------------------------

    def answer(
        self, path: str, query: dict[str, str], token: str | None, *, too_many_in_flight: bool = False
    ) -> tuple[Call, int, object]:
        """The call, its status and body (envelope dict or a Fault) for one request.

        The handler stamps `call.ended` once the body is sent, not here: a client that paces its
        calls must count from the end of the answer, not from its headers.
        """
        with self._lock:
            call = Call(len(self.calls) + 1, query.get("api", ""), dict(query))
            self.calls.append(call)
        status: int
        body: object
        if too_many_in_flight:
            status, body = envelope(
                403, "FORBIDDEN", "EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (2)"
            )
        else:
            status, body = self._answer(call, path, query, token)
        call.status = status
        return call, status, body

    def _answer(self, call: Call, path: str, query: dict[str, str], token: str | None) -> tuple[int, object]:
        if not token:
            return envelope(401, "UNAUTHORIZED", "PLEASE ENTER THE WOLKVOX-TOKEN")
        if token not in self.tokens:
            return envelope(403, "FORBIDDEN", "PLEASE VALIDATE TOKEN")
        today = self.local_now().date()
        with self._lock:
            if self._used_today.get(today, 0) >= self.daily_quota:
                return envelope(403, "FORBIDDEN", "TOKEN LIMIT EXCEEDED")
            self._used_today[today] = self._used_today.get(today, 0) + 1
        fault = next((f for f in self.faults if f.on_call == call.number), None)
        if fault is not None and fault.kind in ANSWER_FAULTS:
            return fault.status, fault
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.seconds)
        if path.endswith("/information.php"):
            status, body = self._information(call, query)
        elif path.endswith("/reports_manager.php"):
            status, body = self._report(call, query)
        else:
            status, body = envelope(404, "NOT FOUND", "Validate dates entered")
        if fault is not None and fault.kind in BODY_FAULTS and isinstance(body, dict):
            return 200, fault_body(fault, body)
        return status, body

    def _information(self, call: Call, query: dict[str, str]) -> tuple[int, object]:
        api = query.get("api", "")
        if api == "token_info":
            used = self._used_today.get(self.local_now().date(), 0)
            data = [
                {
                    "token_limit": str(self.daily_quota),
                    "token_use_today": str(used),
                    "all_token_today": str(used),
                }
            ]
            return envelope(200, None, "1 records were found", data, code="200")
        lists: dict[str, tuple[list, str, str, str]] = {
            # api: (members, the optional filter parameter, the field it matches, envelope code)
            "campaigns": (self.campaigns, "campaign", "campaign_id", "200"),
            "agents": (self.agents, "agent", "agent_id", ""),
            "skills": (self.skills, "skill", "skill_id", "200"),
            "activity_codes": (self.activity_codes, "cod_act", "cod_act", "0"),
        }
        if api not in lists:
            return envelope(400, "BAD REQUEST", "THE API YOU WANT TO CONSULT DOES NOT EXIST")
        members, parameter, key, code = lists[api]
        data = [member.info() for member in members]
        if query.get(parameter):
            data = [row for row in data if row.get(key) == query[parameter]]
        call.rows = len(data)
        # activity_codes' documented msg has no count: " records were found".
        msg = " records were found" if api == "activity_codes" else f"{len(data)} records were found"
        return envelope(200, None, msg, data, code=code)

    def _report(self, call: Call, query: dict[str, str]) -> tuple[int, object]:
        report = REPORTS.get(query.get("api", ""))
        if report is None:
            return envelope(400, "BAD REQUEST", "THE API YOU WANT TO CONSULT DOES NOT EXIST")
        required = ("date_ini", "date_end") + ((report.partition,) if report.partition else ())
        if not all(query.get(name) for name in required):
            return envelope(400, "BAD REQUEST", "SOME PARAMETERS ARE REQUIRED")
        partition = query.get(report.partition) if report.partition else None
        if partition == "all" and not report.accepts_all:
            return envelope(404, "NOT FOUND", "Validate dates entered")
        try:
            start = dt.datetime.strptime(query["date_ini"], API_DATE_FORMAT)
            end = dt.datetime.strptime(query["date_end"], API_DATE_FORMAT)
        except ValueError:
            return envelope(404, "NOT FOUND", "Validate dates entered")
        if end < start:
            return envelope(404, "NOT FOUND", "Validate dates entered")
        limit = self.range_limits.get(report.api, self.range_limit)
        if limit.refuses(start, end):
            return limit.refusal()
        filters = {name: query[name] for name in report.filters if query.get(name)}
        cache_key = (report.api, partition, tuple(sorted(filters.items())), start, end, self.local_now())
        if self.cache_bodies and cache_key in self._bodies:
            call.rows, body = self._bodies[cache_key]
            return 200, body
        rows = self.report_rows(report.api, start, end, partition)
        if filters:
            rows = [row for row in rows if all(row.get(name) == value for name, value in filters.items())]
        rows = rows[: self.max_rows]  # cut silently, over the whole answer
        call.rows = len(rows)
        if not rows:
            return envelope(404, "NOT FOUND", "Validate dates entered")
        code: int | str = 200
        if report.code == "str" or self.code_style == "str":
            code = "200"
        elif self.code_style == "alternate" and call.number % 2 == 0:
            code = "200"
        status, answer = envelope(200, None, f"{len(rows)} records were found", rows, code=code)
        if self.cache_bodies:
            self._bodies[cache_key] = (len(rows), json.dumps(answer, ensure_ascii=False).encode())
            return status, self._bodies[cache_key][1]
        return status, answer

    def enter(self, token: str) -> bool:
        """Count a call in flight; False when the token already has `MAX_IN_FLIGHT`."""
        with self._lock:
            if self._in_flight.get(token, 0) >= MAX_IN_FLIGHT:
                return False
            self._in_flight[token] = self._in_flight.get(token, 0) + 1
            self.peak_in_flight = max(self.peak_in_flight, self._in_flight[token])
            return True

    def leave(self, token: str) -> None:
        """A call in flight has been answered."""
        with self._lock:
            self._in_flight[token] -= 1


ANSWER_FAULTS = {"status", "reset", "bad_json", "html"}
"""Faults that replace the answer."""
BODY_FAULTS = {
    "drip_headers",
    "drip_body",
    "endless",
    "bom",
    "cut_rows",
    "html_echo",
    "data_object",
    "no_msg",
    "stray_rows",
    "duplicate_rows",
}
"""Faults that change how a computed answer is sent (`FaultyBody`)."""


@dataclass
class FaultyBody:
    """An answer to send wrongly: `payload` per `fault.kind`."""

    fault: Fault
    payload: bytes


def fault_body(fault: Fault, body: dict) -> FaultyBody:
    """The bytes a body fault sends instead of `body` (an envelope, with or without rows)."""
    rows = list(body.get("data") or [])
    encoded = json.dumps(body, ensure_ascii=False).encode()
    if fault.kind == "bom":
        return FaultyBody(fault, b"\xef\xbb\xbf" + encoded)
    if fault.kind == "cut_rows":
        return FaultyBody(fault, encoded[: len(encoded) * 2 // 3])
    if fault.kind == "html_echo":
        row = json.dumps(rows[0] if rows else {}, ensure_ascii=False)
        return FaultyBody(fault, f"<html><body><h1>Error</h1><pre>{row}</pre></body></html>".encode())
    if fault.kind == "data_object":
        return FaultyBody(fault, json.dumps({**body, "data": {"rows": rows}}, ensure_ascii=False).encode())
    if fault.kind == "no_msg":
        return FaultyBody(fault, json.dumps({"code": fault.status, "data": rows[:1]}).encode())
    if fault.kind == "stray_rows":
        stray = [{**row, "date": _day_later(row.get("date"))} for row in rows[:3]]
        return FaultyBody(fault, json.dumps({**body, "data": rows + stray}, ensure_ascii=False).encode())
    if fault.kind == "duplicate_rows":
        return FaultyBody(fault, json.dumps({**body, "data": rows + rows}, ensure_ascii=False).encode())
    return FaultyBody(fault, encoded)  # drip_headers, drip_body, endless: sent by the handler


def _day_later(date: object) -> object:
    try:
        return (dt.datetime.fromisoformat(str(date)) + dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return date


def envelope(
    status: int, error: str | None, msg: str, data: list | None = None, *, code: int | str | None = None
) -> tuple[int, dict]:
    """The Wolkvox envelope: `code`, `error`, `msg`, `data`."""
    body: dict = {"code": status if code is None else code, "error": error, "msg": msg}
    if data is not None:
        body["data"] = data
    return status, body


class WolkvoxHandler(BaseHTTPRequestHandler):
    """HTTP front of an `Emulator`."""

    emulator: Emulator
    protocol_version = "HTTP/1.1"
    server_version = "wolkvox-emulator"

    def do_GET(self) -> None:
        """Answer one API call."""
        parts = urlsplit(self.path)
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        token = self.headers.get("wolkvox-token") or ""
        known = token in self.emulator.tokens
        counted = known and self.emulator.enter(token)
        too_many = known and not counted
        call = None
        try:
            call, status, body = self.emulator.answer(parts.path, query, token, too_many_in_flight=too_many)
            if isinstance(body, Fault):
                self._send_fault(body)
            elif isinstance(body, FaultyBody):
                self._send_faulty(body)
            else:
                self._send(status, body)
        finally:
            if call is not None:
                call.ended = time.monotonic()  # the body is sent (or the client hung up)
            if counted:
                self.emulator.leave(token)

    def _send(self, status: int, body: object, content_type: str = "application/json; charset=utf-8") -> None:
        payload = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _send_fault(self, fault: Fault) -> None:
        if fault.kind == "reset":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif fault.kind == "bad_json":
            self._send(
                200,
                b'{"code": 200, "error": null, "msg": "2 records were found", "data": [{"campaign_id": "1',
            )
        elif fault.kind == "html":
            self._send(fault.status, b"<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html")
        else:
            self._send(*envelope(fault.status, "ERROR", fault.msg))

    def _send_faulty(self, body: FaultyBody) -> None:
        kind, pause = body.fault.kind, body.fault.seconds
        status = body.fault.status if kind in {"html_echo", "no_msg"} else 200
        try:
            if kind == "drip_headers":
                for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n":
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(pause)
            self.send_response(status)
            self.send_header("Content-Type", "text/html" if kind == "html_echo" else "application/json")
            if kind != "endless":
                self.send_header("Content-Length", str(len(body.payload)))
            else:
                self.close_connection = True
            self.end_headers()
            if kind == "drip_body":
                for byte in body.payload:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(pause)
            elif kind == "endless":
                self.wfile.write(body.payload[:-2])  # inside the last row: never valid JSON
                filler = b" " * (1 << 16)
                while True:
                    self.wfile.write(filler)
            else:
                self.wfile.write(body.payload)
        except OSError:
            self.close_connection = True  # the client hung up, as a client with a deadline does

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: tests read `Emulator.calls` instead."""
