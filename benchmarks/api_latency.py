"""REST API latency: ``GET /api/v1/search`` over the 1,000-meeting benchmark library.

Run: ``PYTHONPATH=. .venv/bin/python benchmarks/api_latency.py [--meetings 1000]``.

The library is the one ``benchmarks/search.py`` measures search on (its
``build_scale_library``: generated meetings through the store, indexed with the
real embedder behind a per-sentence cache). Then a real server process is
started on it (``MEETINGAPP_HOME=<folder> python -m meetingapp serve --port P``,
the token from the folder's ``api_token``) and queried over one keep-alive
``httpx.Client``, after a warm-up, with a mix of query kinds: single keywords,
multi-word questions (the vector side does the work), phrases copied from the
meetings, and questions with a type, a date-range or a speaker filter.

Each query is timed the first time it is asked (the server embeds it: the
latency a user sees for a new search) and then ``--repeat`` times more (the
query's embedding is remembered: paging, refreshing). The same queries run
in this process through ``Library.search`` (the service layer the handler
calls), timed the same way, so the HTTP overhead shows; and every API answer
is compared with the in-process one (the hits, field by field, and the
candidate count).

The report is printed and written to ``benchmarks/results/api_latency.txt``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

from benchmarks.search import SPEAKERS, VOCAB, build_scale_library, percentile
from benchmarks.search_relevance import RELEVANCE
from meetingapp.domain.minutes import MEETING_TYPES
from meetingapp.engine.search import SearchQuery, _query_vectors
from meetingapp.library import Library

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "api_latency.txt"
#: the issue's bound on p50 and p95 (ms)
TARGET_MS = 100.0
KINDS = ("keyword", "question", "phrase", "type filter", "date filter", "speaker filter")
_TEMPLATES = (
    "what did we decide about the {a}",
    "who is working on the {a} and the {b}",
    "problems with the {a} after the {b}",
    "when is the {a} due",
    "did anyone follow up on the {a} for the {b}",
    "how is the {a} going",
)


@dataclass
class Case:
    kind: str
    #: the API's query parameters
    params: dict[str, str]

    def query(self) -> SearchQuery:
        p = self.params
        return SearchQuery(
            p["q"],
            type=p.get("type"),
            date_from=p.get("from"),
            date_to=p.get("to"),
            speaker=p.get("speaker"),
        )


@dataclass
class Timings:
    """Milliseconds per query kind, for the first ask and for the repeats."""

    first: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    repeat: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    #: API ms minus in-process ms of the same query, run right after each other
    overhead: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})


def question(rng: random.Random) -> str:
    a, b = rng.sample(VOCAB, 2)
    return rng.choice(_TEMPLATES).format(a=a, b=b)


def make_cases(pool: list[str], per_kind: int, rng: random.Random) -> list[Case]:
    """``per_kind`` distinct queries of each kind, none asked twice across kinds."""
    seen: set[str] = set()

    def fresh(make: Callable[[], str]) -> str:
        while (text := make()) in seen:
            pass
        seen.add(text)
        return text

    def phrase() -> str:
        words = rng.choice(pool).rstrip(".").lower().split()
        n = rng.randint(3, 5)
        start = rng.randint(0, max(0, len(words) - n))
        return " ".join(words[start : start + n])

    relevance = iter(j.query for j in RELEVANCE)
    cases: list[Case] = []
    for _ in range(per_kind):
        cases.append(Case("keyword", {"q": fresh(lambda: rng.choice(VOCAB))}))
        cases.append(Case("question", {"q": fresh(lambda: next(relevance, None) or question(rng))}))
        cases.append(Case("phrase", {"q": fresh(phrase)}))
        cases.append(
            Case(
                "type filter",
                {"q": fresh(lambda: question(rng)), "type": rng.choice(MEETING_TYPES)},
            )
        )
        month = rng.randint(1, 10)
        cases.append(
            Case(
                "date filter",
                {
                    "q": fresh(lambda: question(rng)),
                    "from": f"2024-{month:02d}-01",
                    "to": f"2024-{month + 2:02d}-28",
                },
            )
        )
        cases.append(
            Case(
                "speaker filter",
                {"q": fresh(lambda: question(rng)), "speaker": rng.choice(SPEAKERS)},
            )
        )
    return cases


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(data: Path, log_path: Path) -> Iterator[str]:
    """``meetingapp serve`` on ``data`` in its own process; yields its URL once /health answers."""
    port = free_port()
    env = {**os.environ, "MEETINGAPP_HOME": str(data)}
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "meetingapp", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if httpx.get(f"{url}/health", timeout=5).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the server did not start:\n" + log_path.read_text())
                time.sleep(0.2)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def in_process(library: Library, case: Case) -> tuple[float, dict[str, Any]]:
    t0 = time.perf_counter()
    results = library.search(case.query())
    ms = 1000 * (time.perf_counter() - t0)
    return ms, {"hits": [asdict(h) for h in results.hits], "candidates": results.candidates}


def over_http(client: httpx.Client, case: Case) -> tuple[float, dict[str, Any]]:
    t0 = time.perf_counter()
    r = client.get("/api/v1/search", params=case.params)
    ms = 1000 * (time.perf_counter() - t0)
    if r.status_code != 200:
        raise SystemExit(f"GET /api/v1/search {case.params}: {r.status_code} {r.text}")
    body = r.json()
    return ms, {"hits": body["hits"], "candidates": body["candidates"]}


def difference(api: dict[str, Any], local: dict[str, Any]) -> str | None:
    """How the API's answer differs from the service layer's, or None."""
    if api == local:
        return None
    a, b = api["hits"], local["hits"]
    if [h["item_id"] for h in a] != [h["item_id"] for h in b]:
        ids = f"item ids {[h['item_id'] for h in a]} != {[h['item_id'] for h in b]}"
        texts = [h["text"] for h in a] == [h["text"] for h in b]
        sims = [h["similarity"] for h in a] == [h["similarity"] for h in b]
        return ids + (
            " (the same texts and similarities: a different pick among identical segments)"
            if texts and sims
            else f" (same texts: {texts}, same similarities: {sims})"
        )
    for x, y in zip(a, b, strict=True):
        for key in x:
            if x[key] != y.get(key):
                return f"hit {x['item_id']}: {key} {x[key]!r} != {y.get(key)!r}"
    return f"candidates {api['candidates']} != {local['candidates']}"


def stats(ms: list[float]) -> str:
    if not ms:
        return f"{'-':>6} / {'-':>6} / {'-':>6}"
    return f"{percentile(ms, 50):6.1f} / {percentile(ms, 95):6.1f} / {max(ms):6.1f}"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    try:
        import ctranslate2

        gpus = ctranslate2.get_cuda_device_count()
    except Exception:  # noqa: BLE001 - no ctranslate2 or no CUDA runtime: no GPU either way
        gpus = 0
    gpu = f"{gpus} CUDA GPU(s) (not used: search runs on the CPU)" if gpus else "no GPU"
    return f"{os.cpu_count()} cores ({cpu}), {gpu}; Python {platform.python_version()}"


def code_state() -> str:
    """The commit measured, and the product files changed since (not committed)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "meetingapp"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.split("\n")
    except OSError:
        return "unknown (no git)"
    if not head:
        return "unknown (not a git checkout)"
    changed = [line[3:] for line in dirty if line.strip()]
    return head + (f" + uncommitted changes in {', '.join(changed)}" if changed else "")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--meetings", type=int, default=1000)
    p.add_argument("--pool", type=int, default=3000, help="distinct generated sentences")
    p.add_argument("--per-kind", type=int, default=30, help="distinct queries per kind")
    p.add_argument("--repeat", type=int, default=3, help="timed repeats of each query")
    p.add_argument("--warmup", type=int, default=3, help="warm-up queries per kind")
    p.add_argument("--keep", type=Path, help="build the library here and keep it (reused)")
    p.add_argument("--out", type=Path, default=RESULTS, help="where the report is written")
    p.add_argument("--code", help="describe the code measured (default: from git)")
    args = p.parse_args()

    lines: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    say(f"API search latency benchmark, {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    say(f"machine: {machine()}")
    say(f"code: {args.code or code_state()}")
    say(f"load average at start: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        data = args.keep or Path(tmp) / "data"
        t0 = time.perf_counter()
        lib = build_scale_library(data, args.meetings, args.pool, random.Random(7))
        items = lib.db.execute("SELECT COUNT(*) FROM search_items").fetchone()[0]
        meetings = lib.db.execute("SELECT COUNT(*) FROM meetings").fetchone()[0]
        lib.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        lib.db.close()
        built = "reused" if lib.reused else f"built in {time.perf_counter() - t0:.0f} s"
        say(f"library: {meetings} meetings, {items:,} segments ({built})")

        rng = random.Random(18)
        warmup = make_cases(lib.pool, args.warmup, rng)
        cases = make_cases(lib.pool, args.per_kind, rng)
        library = Library(data)
        api, local = Timings(), Timings()
        mismatches: list[str] = []
        with (
            server(data, Path(tmp) / "server.log") as url,
            httpx.Client(base_url=url, timeout=60) as c,
        ):
            token = (data / "api_token").read_text(encoding="utf-8").strip()
            c.headers["Authorization"] = f"Bearer {token}"
            t0 = time.perf_counter()
            for case in warmup:
                over_http(c, case)
                in_process(library, case)
            say(
                f"warm-up: {len(warmup)} queries each way in {time.perf_counter() - t0:.1f} s"
                " (model load, vector matrix load, first chromadb query)"
            )
            for case in cases:
                _query_vectors.clear()  # this process embeds it afresh too
                ms_api, got_api = over_http(c, case)
                ms_local, got_local = in_process(library, case)
                api.first[case.kind].append(ms_api)
                local.first[case.kind].append(ms_local)
                api.overhead[case.kind].append(ms_api - ms_local)
                if (diff := difference(got_api, got_local)) is not None:
                    mismatches.append(f"{case.kind} {case.params}: {diff}")
                for _ in range(args.repeat):
                    ms_api, got_api = over_http(c, case)
                    ms_local, got_local = in_process(library, case)
                    api.repeat[case.kind].append(ms_api)
                    local.repeat[case.kind].append(ms_local)
                    api.overhead[case.kind].append(ms_api - ms_local)
                    if (diff := difference(got_api, got_local)) is not None:
                        mismatches.append(f"{case.kind} {case.params} (repeat): {diff}")

    def everything(t: dict[str, list[float]]) -> list[float]:
        return [x for k in KINDS for x in t[k]]

    n = args.per_kind
    say()
    say(
        f"{len(cases)} distinct queries ({n} per kind), each timed when first asked and"
        f" {args.repeat}x repeated (query embedding remembered); one keep-alive httpx client."
    )
    say("ms, p50 / p95 / max:")
    head = f"  {'':<16}{'API first':^24}{'API repeat':^24}{'in-process first':^24}"
    say(head + f"{'in-process repeat':^24}{'HTTP overhead':^24}")
    columns = (api.first, api.repeat, local.first, local.repeat, api.overhead)
    for kind in (*KINDS, "overall"):
        row = [everything(t) if kind == "overall" else t[kind] for t in columns]
        say(f"  {kind:<16}" + "".join(f"{stats(ms):^24}" for ms in row))
    all_api = everything(api.first) + everything(api.repeat)
    say(f"  {'all API requests':<16}{stats(all_api):^24}  ({len(all_api)} requests)")
    say(
        "HTTP overhead = API ms - in-process ms of the same query run right after it"
        " (uvicorn, FastAPI, JSON both ways, the loopback socket)"
    )
    p50, p95 = percentile(all_api, 50), percentile(all_api, 95)
    first50, first95 = percentile(everything(api.first), 50), percentile(everything(api.first), 95)
    ok = max(p50, p95, first50, first95) <= TARGET_MS
    say(
        f"target p50/p95 <= {TARGET_MS:.0f} ms: all requests {p50:.1f} / {p95:.1f},"
        f" first asks {first50:.1f} / {first95:.1f} -> {'met' if ok else 'NOT met'}"
    )
    checked = len(cases) * (1 + args.repeat)
    say(
        f"correctness: {checked - len(mismatches)}/{checked} API answers equal the service"
        f" layer's (hits field by field, candidates); {len(mismatches)} mismatches"
    )
    for m in mismatches[:10]:
        say(f"  {m}")
    say(f"load average at end: {os.getloadavg()[0]:.1f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
