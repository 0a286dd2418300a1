"""Notes as editors keep them: link lists, topic files, essays, and exports from real tools.

The seeds (tests/data/seeds, a copy of shared/seeds) are the three shapes as an editor wrote
them; the other cases are written here in the shapes Obsidian, Logseq and Notion export."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from whalewatch.sources.notes import read_notes
from whalewatch.sources.shapes import guess_shape, link_entries
from tests.conftest import DATA

TZ = ZoneInfo("Asia/Shanghai")
SEEDS = DATA / "seeds"


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def local_day(note) -> str:  # noqa: ANN001
    return note.date.astimezone(TZ).date().isoformat()


def test_each_seed_is_read_as_its_shape():
    shapes = {path.name[:3]: guess_shape(path.read_text(encoding="utf-8")).name for path in SEEDS.iterdir()}
    assert shapes == {"000": "essay", "001": "links", "002": "topic"}


def test_a_link_list_is_a_note_per_link_dated_by_its_own_line():
    notes = read_notes(SEEDS, TZ).notes
    picks = {n.urls[0]: n for n in notes if n.kind == "pick"}
    r1 = picks["https://api-docs.deepseek.com/news/news250120"]
    assert local_day(r1) == "2025-01-20" and r1.title == "DeepSeek-R1 was released"
    tariffs = next(n for url, n in picks.items() if "theverge.com" in url)
    assert local_day(tariffs) == "2025-01-27"                       # "on Monday 1/27", the year from the link
    assert tariffs.title.startswith("US President Donald Trump proposed up to 100% tariffs")
    assert "theverge.com" not in tariffs.body_html                  # the story links there; the note does not repeat it
    paper = picks["https://arxiv.org/abs/2501.12948"]               # a bullet holding only the link: the bullet above titles it
    assert paper.title.startswith("DeepSeek-R1: Incentivizing Reasoning") and local_day(paper) == "2025-01-22"
    assert "first-party papers" in paper.body_text                  # the words that introduce the list comment on it
    assert not any("natolambert.com/" == u.split("//")[1] for u in picks)   # an author's home page is a reference
    assert not any("/search" in u for u in picks)                   # so is a search
    assert all("There are a lot of bad takes" not in n.title for n in picks.values())   # opening words are structure


def test_rereading_an_unchanged_list_changes_nothing_and_a_new_line_adds_one_note(tmp_path):
    """Links with no date keep the week they were first read in (kept in the store): editing the list moves nothing."""
    from whalewatch.config import load_edition
    from whalewatch.pipeline import edition_notes
    from whalewatch.store import Store
    from tests.conftest import MINIMAL_SECTIONS, write_edition

    config = write_edition(tmp_path / "edition", MINIMAL_SECTIONS)
    edition = load_edition(config)
    text = (SEEDS / "001_2b3091b922926fd8.txt").read_text(encoding="utf-8")
    write(edition.notes_dir, "links.txt", text)

    def read() -> list:
        with Store(edition.store_path) as store:
            return [(n.title, n.urls, n.date) for n in edition_notes(edition, store).notes]

    first = read()
    assert first == read()
    write(edition.notes_dir, "links.txt", "- 2025-02-09 A new paper worth reading https://arxiv.org/abs/2502.00001\n" + text)
    second = read()
    assert len(second) == len(first) + 1 and second[1:] == first


def test_a_topic_file_becomes_background_with_real_footnotes():
    (topic,) = [n for n in read_notes(SEEDS, TZ).notes if n.kind == "background"]
    assert topic.title == "DeepSeek" and topic.slug == "deepseek"
    assert 'model.<sup id="fnref:1"><a href="#fn:1"' in topic.body_html and '<li id="fn:1">' in topic.body_html
    assert "Llama 3.1 405B" in topic.body_text and "model.1" not in topic.body_html
    assert "<h2>Models</h2>" in topic.body_html                      # a plain-text export's headings are headings


def test_an_essay_is_a_title_and_a_lead():
    (essay,) = [n for n in read_notes(SEEDS, TZ).notes if n.kind == "essay"]
    assert essay.title == "DeepSeek's Seismic Shift"
    assert essay.subtitle.startswith("Charting the Mariana Trench")
    assert essay.lead.startswith("I have been waiting a while") and 20 <= len(essay.lead.split()) <= 90
    assert len(essay.body_text.split()) > 2000


def test_obsidian_wikilinks_embeds_tags_callouts_highlights_and_private_comments(tmp_path):
    write(tmp_path, "High-Flyer.md", "---\nkind: topic\naliases: [幻方]\n---\nHigh-Flyer is a quant fund in Hangzhou.\n\n## Funds\n\nIt backs DeepSeek.\n")
    write(tmp_path, "week.md", "---\ntitle: Week notes\nweek: 2025-W05\n---\n"
          "The fund [[High-Flyer|behind DeepSeek]] and [[Nobody]] matter. #policy #chips\n\n"
          "![[High-Flyer]]\n\n> [!warning] Check this\n> Numbers are early.\n\n"
          "This is ==important== %%but this is private%% and so^[An inline footnote.] is this.\n\n"
          "%%\nA private paragraph\n%%\nA dangling ref[^gone].\n")
    read = read_notes(tmp_path, TZ)
    note = next(n for n in read.notes if n.title == "Week notes")
    assert '<a href="../background/high-flyer.html" rel="noopener noreferrer">behind DeepSeek</a>' in note.body_html
    assert "Nobody" in note.body_text and "[[" not in note.body_text
    assert "see the background page" in note.body_text
    assert note.tags == ["policy", "chips"]
    assert "<strong>Check this</strong>" in note.body_html and "<mark>important</mark>" in note.body_html
    assert "private" not in note.body_html and "%%" not in note.body_html
    assert "An inline footnote." in note.body_text and "^[" not in note.body_text
    assert "[^gone]" not in note.body_text
    assert any("[^gone]" in p.message and p.path.endswith("week.md") for p in read.problems)


def test_logseq_and_notion_exports_are_read_as_link_lists(tmp_path):
    logseq = ("- Reading for the week\n\t- [DeepSeek prices V3 at $0.27 per million tokens](https://news.example/2025/01/10/v3-price)\n"
              "\t\t- cheap enough to change the market\n\t- [Italy blocks DeepSeek over privacy](https://news.example/2025/01/30/italy)\n"
              "\t- [Nvidia's record fall](https://news.example/2025/01/27/nvidia)\n")
    notion = ("# Links\n\n[Qwen2.5-Max beats V3 on benchmarks](https://news.example/qwen) — Alibaba's answer, on 2025-01-29.\n\n"
              "[Microsoft puts R1 on Azure](https://news.example/azure) 2025-01-29\n\n[Amazon adds R1 to Bedrock](https://news.example/aws) 2025-01-30\n")
    write(tmp_path, "logseq.md", logseq)
    write(tmp_path, "notion.md", notion)
    notes = read_notes(tmp_path, TZ).notes
    by_url = {n.urls[0]: n for n in notes}
    price = by_url["https://news.example/2025/01/10/v3-price"]
    assert price.title.startswith("DeepSeek prices V3") and local_day(price) == "2025-01-10"
    assert "cheap enough to change the market" in price.body_text
    qwen = by_url["https://news.example/qwen"]
    assert local_day(qwen) == "2025-01-29" and "Alibaba's answer" in qwen.body_text
    assert len(notes) == 6 and all(n.kind == "pick" for n in notes)


def test_front_matter_wins_over_guessing(tmp_path):
    links = "\n".join(f"- item {n} https://a.example/{n}" for n in range(6))
    write(tmp_path, "as-one.md", f"---\ntitle: One note\nkind: note\nweek: 2025-W05\n---\n{links}\n")
    write(tmp_path, "as-list.md", f"---\nkind: links\ndate: 2025-01-28\n---\n{links}\n")
    notes = read_notes(tmp_path, TZ).notes
    assert [n.kind for n in notes if n.path.startswith(str(tmp_path.name)) or True].count("pick") == 6
    assert any(n.kind == "note" and n.title == "One note" for n in notes)
    assert all(local_day(n) == "2025-01-28" for n in notes if n.kind == "pick")


def test_an_unsure_guess_is_a_warning_that_names_the_file(tmp_path):
    write(tmp_path, "mixed.txt", "Some thoughts\n" + "\n".join(f"A line of prose number {n}." for n in range(8))
          + "\nhttps://a.example/1\nhttps://a.example/2\nhttps://a.example/3\n")
    read = read_notes(tmp_path, TZ)
    assert any(p.path.endswith("mixed.txt") and "is a guess" in p.message and "kind:" in p.message for p in read.problems)


def test_plain_text_entries_keep_their_structure():
    entries, opening = link_entries("Intro words.\n\n# Heading\n2024-11-27 A title line\nhttps://x.example/a\n> a quote\n", None)
    (entry,) = entries
    assert opening == ["Intro words."] and entry.heading == "Heading"
    assert entry.title == "A title line" and entry.when.isoformat() == "2024-11-27" and entry.commentary == ["> a quote"]


def test_plain_text_exports_escapes_and_bullets_read_as_written(tmp_path):
    write(tmp_path, "export.txt", "Export from a notes app\n\n• first point \\(with an aside\\)\n• second point\n\nA closing line \\*not emphasis\\*.\n")
    (note,) = read_notes(tmp_path, TZ).notes
    assert "(with an aside)" in note.body_text and "\\(" not in note.body_text
    assert note.body_html.count("<li>") == 2 and "*not emphasis*" in note.body_text


def test_reference_links_and_table_rows_are_links_with_their_own_words(tmp_path):
    write(tmp_path, "refs.md", "Reading\n\n- Read [the R1 paper][r1] and the [V3 report][v3].\n- https://a.example/2025/01/30/x\n\n"
                               "[r1]: https://arxiv.org/abs/2501.12948\n[v3]: https://arxiv.org/abs/2412.19437\n")
    write(tmp_path, "table.md", "# Links\n\n| Title | Note |\n|---|---|\n| [Qwen3 released](https://qwen.example/q3) | hybrid thinking |\n"
                                "| [DeepSeek-OCR](https://github.com/deepseek-ai/DeepSeek-OCR) | optical compression |\n"
                                "| [Kimi K2](https://moonshot.example/k2) | 1T MoE |\n")
    titles = {n.urls[0]: (n.title, n.body_text) for n in read_notes(tmp_path, TZ).notes}
    assert titles["https://arxiv.org/abs/2501.12948"][0] == "the R1 paper"
    assert titles["https://arxiv.org/abs/2412.19437"][0] == "V3 report"
    assert titles["https://qwen.example/q3"] == ("Qwen3 released", "Qwen3 released · hybrid thinking")
    assert len(titles) == 6 and not any(t.startswith("[") for t, _ in titles.values())


def test_a_long_analysis_with_front_matter_but_no_kind_is_an_essay_unless_it_annotates_a_story(tmp_path):
    prose = " ".join(f"Sentence {n} of a long argument about export controls and what they change." for n in range(140))
    paragraphs = "\n\n".join(prose[i:i + 900] for i in range(0, len(prose), 900))
    write(tmp_path, "essay.md", f"---\ntitle: What the rules change\ndate: 2025-01-30\n---\n{paragraphs}\n")
    write(tmp_path, "annotation.md", f"---\nurl: https://a.example/story\ndate: 2025-01-30\n---\n{paragraphs}\n")
    read = read_notes(tmp_path, TZ)
    kinds = {n.path.rsplit("/", 1)[-1]: n.kind for n in read.notes}
    assert kinds == {"essay.md": "essay", "annotation.md": "note"}
    essay = next(n for n in read.notes if n.kind == "essay")
    assert essay.title == "What the rules change" and essay.lead.startswith("Sentence 0") and len(essay.lead.split()) <= 80
    assert any(p.path.endswith("essay.md") and "kind: essay" in p.message for p in read.problems)
