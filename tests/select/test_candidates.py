"""Candidate pairs of a large week: one sparse product finds the items that share rare words."""

from __future__ import annotations

from whalewatch.select.candidates import similar_pairs

DAY = 86400.0


def test_items_sharing_rare_words_are_paired_and_common_or_distant_ones_are_not():
    words = [{"apollo", "lunar", "the"}, {"apollo", "lunar", "the"}, {"zephyr", "the"}, {"zephyr", "the"},
             {"apollo", "lunar", "the"}] + [{"the", f"filler{n}"} for n in range(60)]
    vectors = [{w: 1.0 for w in ws} for ws in words]
    when = [0.0, DAY, 0.0, 2 * DAY, 9 * DAY] + [0.0] * 60
    pairs = similar_pairs(vectors, [frozenset(ws) for ws in words], when, max_gap=4 * DAY, per_item=6)
    assert (0, 1) in pairs and (2, 3) in pairs
    assert (0, 4) not in pairs and (1, 4) not in pairs          # nine days apart: never one event
    assert all(a < b for a, b in pairs) and len(set(pairs)) == len(pairs)
    assert not any(a >= 5 or b >= 5 for a, b in pairs)           # 'the' is in every item and pairs nothing


def test_each_item_keeps_its_most_alike_neighbours_and_of_equals_the_nearest_in_time():
    words = [{"orbit"}] + [{"orbit"} for _ in range(8)] + [{f"filler{n}"} for n in range(60)]
    vectors = [{w: 1.0 for w in ws} for ws in words]
    when = [0.0] + [hours * 3600.0 for hours in (50, 40, 30, 20, 10, 5, 60, 70)] + [0.0] * 60
    pairs = similar_pairs(vectors, [frozenset(ws) for ws in words], when, max_gap=4 * DAY, per_item=3)
    # all nine are equally alike; item 0 keeps the three nearest in time (5, 10 and 20 hours away)
    assert {(0, 6), (0, 5), (0, 4)} <= set(pairs)
    assert (0, 8) not in pairs and (0, 7) not in pairs              # 70 and 60 hours away: each has nearer equals


def test_a_report_keeps_neighbours_in_the_other_language_though_its_own_are_more_alike():
    # a Chinese report (0) holds its words and every gloss of them, so it meets its English twin (1)
    # thinly; four Chinese reports sharing its words (2-5) are far more alike to it
    chinese_words = {"地震", "石川", "海啸", "earthquak", "quak", "tremor", "ishikawa", "tsunami", "tidal", "wave"}
    chinese_words |= {f"gloss{n}" for n in range(60)}
    words = [chinese_words, {"ishikawa", "tsunami", "noto", "peninsula", "magnitude", "warning", "coast", "residents",
                             "flee", "higher", "ground", "year", "day", "sea", "japan"}]
    words += [{"地震", "石川", "海啸", *(f"gloss{n}" for n in range(60))} for _ in range(4)]
    words += [words[1] - {"ishikawa", "tsunami"} for _ in range(4)]        # and so has the English one (6-9)
    words += [{f"filler{n}"} for n in range(60)]
    vectors = [{w: 1.0 for w in ws} for ws in words]
    chinese = [True, False] + [True] * 4 + [False] * 64
    pairs = similar_pairs(vectors, [frozenset(ws) for ws in words], [0.0] * len(words), max_gap=4 * DAY,
                          per_item=2, languages=chinese)
    assert len({(0, 2), (0, 3), (0, 4), (0, 5)} & set(pairs)) == 2    # its own language's most alike, as before
    assert (0, 1) in pairs                         # and its translation, which ranks below all of them
    without = similar_pairs(vectors, [frozenset(ws) for ws in words], [0.0] * len(words), max_gap=4 * DAY, per_item=2)
    assert (0, 1) not in without
