"""Collect: many feeds fetched, parsed in workers and written in groups, with nothing lost."""

from __future__ import annotations

import pytest

from whalewatch.collect import collect
from whalewatch.config import load_edition
from whalewatch.store import Store
from tests.conftest import write_edition

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


def test_a_failed_write_is_raised_not_swallowed(feed_server, tmp_path, monkeypatch):
    edition = load_edition(write_edition(tmp_path / "ed", SECTIONS + f'feeds:\n  - {{name: Wire, url: "{feed_server.url("wire.xml")}"}}\n'))

    def full_disk(self: Store, records: list) -> list[int]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Store, "record_feeds", full_disk)
    with pytest.raises(OSError, match="No space left"):
        collect(edition)


def test_collect_from_a_thread_takes_its_workers_from_a_fork_server(feed_server, tmp_path, monkeypatch):
    """The scheduler daemon collects from one of its threads; forking there could copy a held lock."""
    import multiprocessing
    import threading

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
