"""Collect: many feeds fetched, parsed in workers and written in groups, with nothing lost."""

from __future__ import annotations

import json
import multiprocessing
import shutil
import subprocess
import sys
import threading

import pytest

from whalewatch import collect as collect_module
from whalewatch.collect import collect
from whalewatch.config import load_edition
from whalewatch.store import Store
from tests.conftest import DATA, write_edition

SECTIONS = "sections:\n  - {id: all, title: Everything, fallback: true}\n"


def test_many_feeds_are_written_in_groups_with_their_validators(feed_server, tmp_path, monkeypatch):
    names = [f"Wire {n}" for n in range(16)]
    feeds = "".join(f'  - {{name: "{name}", url: "{feed_server.url(f"wire.xml?copy={n}")}"}}\n' for n, name in enumerate(names))
    feeds += f'  - {{name: "Broken", url: "{feed_server.url("status/500")}"}}\n'
    edition = load_edition(write_edition(tmp_path / "ed", SECTIONS + "fetch: {retries: 0}\nfeeds:\n" + feeds))

    groups: list[list[str]] = []
    real = Store.record_feeds

    def spy(self: Store, records: list) -> list[int]:
        groups.append([r.name for r in records])
        return real(self, records)

    monkeypatch.setattr(Store, "record_feeds", spy)
    report = collect(edition)

    assert sorted(name for group in groups for name in group) == sorted(names + ["Broken"]), "every feed written once"
    assert len(groups) < len(names), f"one transaction per feed: {groups}"
    assert [o.name for o in report.failed] == ["Broken"]
    with Store(edition.store_path) as store:
        for name in names:
            state = store.feed_state(name)
            assert state.etag and state.last_success is not None
        assert store.feed_state("Broken").consecutive_failures == 1
    new = {o.name: o.new_items for o in report.outcomes}
    assert new["Wire 0"] + new["Wire 1"] > 0 and new["Broken"] == 0

    again = collect(edition)                      # everything answers 304 now
    assert {o.status for o in again.outcomes if o.name != "Broken"} == {"unchanged"}


def test_validators_belong_to_the_address_they_came_from(feed_server, tmp_path):
    """A feed moved to a new address is fetched in full there once, then conditionally again."""
    def edition_at(copy: int):
        feed = f'  - {{name: Wire, url: "{feed_server.url(f"wire.xml?copy={copy}")}"}}\n'
        return load_edition(write_edition(tmp_path / "ed", SECTIONS + "feeds:\n" + feed))

    collect(edition_at(1))
    collect(edition_at(2))          # same body and ETag, new address: the old validators must not go
    collect(edition_at(2))

    assert feed_server.hits == [("/wire.xml?copy=1", "200"), ("/wire.xml?copy=2", "200"), ("/wire.xml?copy=2", "304")]


def test_a_group_holds_at_most_group_feeds_so_the_last_write_stays_small(feed_server, tmp_path, monkeypatch):
    feeds = "".join(f'  - {{name: "Wire {n}", url: "{feed_server.url(f"wire.xml?copy={n}")}"}}\n' for n in range(12))
    edition = load_edition(write_edition(tmp_path / "ed", SECTIONS + "feeds:\n" + feeds))
    monkeypatch.setattr(collect_module, "GROUP_SECONDS", 60.0)      # only the feed count can close a group
    monkeypatch.setattr(collect_module, "GROUP_FEEDS", 5)
    sizes: list[int] = []
    real = Store.record_feeds
    monkeypatch.setattr(Store, "record_feeds", lambda self, records: sizes.append(len(records)) or real(self, records))

    collect(edition)

    assert sum(sizes) == 12 and len(sizes) >= 2, f"only the final write at close: {sizes}"


FREEZE_PROBE = """
import gc, json, sys, threading
from whalewatch.collect import collect
from whalewatch.config import load_edition
from whalewatch.reporter import Reporter

class Watcher(Reporter):
    frozen: list = []
    def advance(self, label):
        self.frozen.append(gc.get_freeze_count())

alone = threading.active_count() == 1
collect(load_edition(sys.argv[1]), reporter=Watcher())
print(json.dumps({"alone": alone, "during": Watcher.frozen, "after": gc.get_freeze_count()}))
"""


def test_forked_workers_share_a_heap_the_collector_leaves_alone_until_they_exit(tmp_path):
    """Run in a fresh single-threaded process (the test process has server threads, so it never forks)."""
    edition = tmp_path / "ed"
    (edition / "feeds").mkdir(parents=True)
    feeds = ""
    for n in range(10):
        shutil.copy(DATA / "feeds" / "wire.xml", edition / "feeds" / f"wire{n}.xml")
        feeds += f"  - {{name: Wire {n}, file: feeds/wire{n}.xml}}\n"
    config = write_edition(edition, SECTIONS + "feeds:\n" + feeds)

    done = subprocess.run([sys.executable, "-c", FREEZE_PROBE, str(config)], capture_output=True, text=True, timeout=120)

    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["alone"] and len(seen["during"]) == 10
    assert min(seen["during"]) > 1000, "the heap shared with the forked workers was not frozen"
    assert seen["after"] == 0, "objects left frozen after the workers exited"


def test_a_failed_write_is_raised_not_swallowed(feed_server, tmp_path, monkeypatch):
    edition = load_edition(write_edition(tmp_path / "ed", SECTIONS + f'feeds:\n  - {{name: Wire, url: "{feed_server.url("wire.xml")}"}}\n'))

    def full_disk(self: Store, records: list) -> list[int]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Store, "record_feeds", full_disk)
    with pytest.raises(OSError, match="No space left"):
        collect(edition)


def test_collect_from_a_thread_takes_its_workers_from_a_fork_server(feed_server, tmp_path, monkeypatch):
    """The scheduler daemon collects from one of its threads; forking there could copy a held lock."""
    feeds = "".join(f'  - {{name: "Wire {n}", url: "{feed_server.url(f"wire.xml?copy={n}")}"}}\n' for n in range(10))
    edition = load_edition(write_edition(tmp_path / "ed", SECTIONS + "feeds:\n" + feeds))
    methods: list[str] = []
    real = multiprocessing.get_context
    monkeypatch.setattr(multiprocessing, "get_context", lambda method=None: methods.append(method) or real(method))

    reports = []
    worker = threading.Thread(target=lambda: reports.append(collect(edition)))
    worker.start()
    worker.join(timeout=120)
    assert not worker.is_alive()
    assert methods == ["forkserver"]
    assert {o.status for o in reports[0].outcomes} == {"new"}


def test_status_tells_an_empty_body_from_success_and_keeps_warnings(feed_server, tmp_path):
    from tests.conftest import run_cli

    (feed_server.folder / "empty.xml").write_bytes(b"")
    whole = (DATA / "feeds" / "wire.xml").read_bytes()
    (feed_server.folder / "cut.xml").write_bytes(whole[: len(whole) * 2 // 3])
    config = write_edition(tmp_path / "ed", SECTIONS + f"""feeds:
  - {{name: Empty, url: "{feed_server.url('empty.xml')}"}}
  - {{name: Cut, url: "{feed_server.url('cut.xml')}"}}
""")
    fetched = run_cli("--config", str(config), "fetch", check=False)
    assert "response body is empty" in fetched.stdout + fetched.stderr
    run_cli("--config", str(config), "fetch", check=False)              # the cut feed answers 304 now
    status = run_cli("--config", str(config), "status").stdout
    empty_row = next(line for line in status.splitlines() if line.startswith("│ Empty"))
    assert "never" in empty_row and "│ 2 " in empty_row
    assert "warning: malformed XML" in status.replace("\n", " ").replace("│", "")
