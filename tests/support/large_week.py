"""Builds the sample week as a large week would be built, in a fresh process (a test process may
run other threads, and then nothing forks): `python -m tests.support.large_week FEEDS_YAML`.
Prints, as JSON, what the tests of the child process need to see."""

from __future__ import annotations

import json
import os
import sys
import threading

from whalewatch import pipeline
from whalewatch.config import load_edition
from whalewatch.render import pdf as pdf_module
from whalewatch.select.parallel import may_fork
from whalewatch.store import Store
from whalewatch.weeks import Week


def main(config: str) -> dict:
    edition, week, parent = load_edition(config), Week.parse("2025-W05"), os.getpid()
    here = pipeline.make_issue(edition, week)
    made = pipeline._make_issue
    pipeline.CHILD_FROM = 10                                 # the sample week counts as large
    pipeline._make_issue = lambda *a: (*made(*a)[:2], [os.getpid()])
    child = pipeline.make_issue(edition, week)

    def fails_in_the_child(*args):  # noqa: ANN002, ANN202
        if os.getpid() != parent:
            raise MemoryError("the child ran out")
        return made(*args)

    pipeline._make_issue = fails_in_the_child
    after_failure = pipeline.make_issue(edition, week)

    pipeline._make_issue = made
    chosen, choose = [], pipeline.in_a_child
    pipeline.in_a_child = lambda work, meanwhile=None, fresh=False: chosen.append(fresh) or choose(work, meanwhile, fresh)
    busy = threading.Event()
    threading.Thread(target=busy.wait, daemon=True).start()          # as in the scheduler: now nothing may fork
    threaded = pipeline.make_issue(edition, week)
    Store(edition.store_path).keep_readings("another glossary", {})      # forget every reading
    read_ahead = pipeline.read_week_ahead(edition, week)
    kept = Store(edition.store_path).db.execute("SELECT COUNT(*) FROM readings").fetchone()[0]
    busy.set()
    pipeline.in_a_child = choose

    readied, ready = [], pipeline._ready_the_pdf
    pipeline._ready_the_pdf = lambda *a: readied.append((ready(*a), pdf_module._font_config.cache_info().misses))
    pdf_module._font_config.cache_clear()
    report = pipeline.build(edition, week, write=False)
    return {
        "may_fork": may_fork(),
        "made_by_a_child": child[2][0] != parent,
        "same_issue": child[:2] == here[:2],
        "same_after_a_failed_child": after_failure == here,
        "fresh_when_threaded": chosen == [True, True] and threaded == here,
        "read_ahead_in_a_child": read_ahead >= 10 and kept == read_ahead,
        "readied": readied,
        "font_configs": pdf_module._font_config.cache_info().misses,
        "pdf": report.files["briefing.pdf"][:4].decode(),
        "warm_up_in_outputs": any("准备" in report.files[name].decode() for name in ("briefing.md", "index.html")),
        "problems": sorted(str(p) for p in report.problems),
        "problems_in_process": sorted(str(p) for p in pipeline.build(edition, week, pdf=False, write=False).problems),
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
