"""Notes: front matter, messy files without it (the seeds), and mistakes that cost a message only."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo


from whalewatch.sources.notes import read_notes
from tests.conftest import DATA

TZ = ZoneInfo("Asia/Shanghai")
SEEDS = DATA / "seeds"          # the three notes the project started from (see tests/data/SEEDS.md)


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_front_matter_fields_are_read(tmp_path):
    write(tmp_path, "a.md", "---\ntitle: Hello\ndate: 2025-01-28\nurl: https://a.example/x?utm_source=y\n"
                            "section: chips\npriority: 2\npin: true\ntags: [x]\nmeasure: Rule\n---\nBody *text*.\n")
    (note,), problems = read_notes(tmp_path, TZ).notes, read_notes(tmp_path, TZ).problems
    assert problems == []
    assert (note.title, note.section, note.priority, note.pin, note.tags) == ("Hello", "chips", 2, True, ["x"])
    assert note.urls == ["https://a.example/x?utm_source=y"]
    assert note.data == {"measure": "Rule"}
    assert "<em>text</em>" in note.body_html


def test_broken_yaml_names_the_file_and_line_and_other_notes_still_load(tmp_path):
    write(tmp_path, "bad.md", "---\ntitle: ok\ndate: [2025\n---\nbody\n")
    write(tmp_path, "good.md", "---\ntitle: fine\nweek: 2025-W05\n---\nbody\n")
    read = read_notes(tmp_path, TZ)
    assert [n.title for n in read.notes] == ["fine"]
    (problem,) = read.problems
    assert problem.path.endswith("bad.md") and problem.line in (3, 4, 5) and "YAML" in problem.message


def test_wrong_types_and_aliases_are_reported(tmp_path):
    write(tmp_path, "types.md", "---\ntitle: t\nweek: 2025-W05\npriority: high\npin: maybe\nurl: javascript:alert(1)\n---\nx\n")
    write(tmp_path, "alias.md", "---\na: &x [1, 2]\nb: *x\n---\nx\n")
    read = read_notes(tmp_path, TZ)
    messages = " ".join(p.message for p in read.problems)
    assert "priority" in messages and "pin" in messages and "not an http(s) address" in messages
    assert "aliases" in messages
    (note,) = read.notes
    assert note.priority == 0 and note.urls == []


def test_markdown_nested_too_deeply_is_kept_as_plain_text_with_a_warning(tmp_path):
    """Lists nested 700 deep (under half a megabyte) exhaust Python-Markdown's recursion."""
    deep = "\n".join("  " * level + f"- level {level}" for level in range(700))
    write(tmp_path, "deep.md", f"---\ntitle: Deep\nweek: 2025-W05\n---\nBefore <b>bold</b>.\n\n{deep}\n")
    write(tmp_path, "fine.md", "---\ntitle: Fine\nweek: 2025-W05\n---\nBody.\n")
    read = read_notes(tmp_path, TZ)
    assert [n.title for n in read.notes] == ["Deep", "Fine"]
    deep_note = read.notes[0]
    assert "level 0" in deep_note.body_html and "level 200" in deep_note.body_html and "&lt;b&gt;bold&lt;/b&gt;" in deep_note.body_html
    (problem,) = read.problems
    assert problem.path.endswith("deep.md") and "too deeply" in problem.message and problem.severity == "warning"


def test_raw_html_in_a_note_is_sanitised(tmp_path):
    write(tmp_path, "x.md", "---\ntitle: t\nweek: 2025-W05\n---\n<script>alert(1)</script><a href=\"javascript:x\">l</a>\n")
    (note,) = read_notes(tmp_path, TZ).notes
    assert "<script" not in note.body_html and "javascript" not in note.body_html


def test_the_seed_notes_are_read_each_for_its_shape_with_what_was_guessed():
    read = read_notes(SEEDS, TZ)
    assert all(p.severity == "warning" for p in read.problems)
    by_kind = {}
    for note in read.notes:
        by_kind.setdefault(note.kind, []).append(note)
    (essay,) = by_kind["essay"]
    (topic,) = by_kind["background"]
    assert essay.title == "DeepSeek's Seismic Shift" and topic.title == "DeepSeek"
    picks = by_kind["pick"]
    assert len(picks) >= 10 and all(len(p.urls) == 1 for p in picks)
    assert 'href="https://arxiv.org/abs/2501.12948"' not in "".join(p.body_html for p in picks if p.urls[0].endswith("2501.12948"))
    assert all(n.guesses for n in read.notes)


def test_empty_binary_and_undecodable_notes_are_skipped_with_a_warning_never_published(tmp_path):
    (tmp_path / "empty.md").write_bytes(b"  \n\n")
    (tmp_path / "binary.md").write_bytes(b"---\ntitle: x\n---\n" + bytes(range(256)) * 4)
    (tmp_path / "latin.md").write_bytes("---\ntitle: caf\xe9\nweek: 2025-W05\n---\nna\xefve r\xe9sum\xe9 ".encode("latin-1") * 3)
    (tmp_path / "gbk.md").write_bytes("---\ntitle: 深度求索发布新模型\nweek: 2025-W05\n---\n网信办公布新一批备案的生成式人工智能服务。\n".encode("gbk"))
    (tmp_path / "huge.md").write_text("---\n" + "".join(f"k{n}: {n}\n" for n in range(3000)) + "---\nbody\n", encoding="utf-8")
    read = read_notes(tmp_path, TZ)
    assert [n.title for n in read.notes] == ["深度求索发布新模型"]              # GBK read by evidence, not as mojibake
    messages = {Path(p.path).name: p.message for p in read.problems}
    assert "empty" in messages["empty.md"] and "binary" in messages["binary.md"]
    assert "save it as UTF-8" in messages["latin.md"].replace("Save", "save") and "3000 keys" in messages["huge.md"]
    assert "GB18030" in messages["gbk.md"]
    assert all(p.severity == "warning" for p in read.problems)


def test_built_files_are_readable_by_a_web_server_running_as_another_user(tmp_path):
    from whalewatch.render.write import write_file_atomic, write_folder_atomic

    write_file_atomic(tmp_path / "index.html", b"x")
    write_folder_atomic(tmp_path / "2025-W05", {"index.html": b"y"})
    assert (tmp_path / "index.html").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "2025-W05" / "index.html").stat().st_mode & 0o777 == 0o644


def test_wrong_types_in_front_matter_are_errors_naming_field_and_line(tmp_path):
    (tmp_path / "typed.md").write_text("---\ntitle: Typed\nlang: NO\npublished_at: 12:30\nurl: https://a.example/1\n---\nBody.\n")
    read = read_notes(tmp_path, ZoneInfo("UTC"))
    found = {(p.line, p.severity, p.message.split(":")[0]) for p in read.problems if p.severity == "error"}
    assert found == {(3, "error", "lang"), (4, "error", "published_at")}
    messages = " ".join(p.message for p in read.problems)
    assert "read the value as false" in messages and "number 750" in messages
    (note,) = read.notes
    assert note.language == "" and "lang" not in note.data and "published_at" not in note.data   # nothing silently kept


def test_a_quoted_language_and_a_published_at_date_are_kept(tmp_path):
    (tmp_path / "ok.md").write_text('---\ntitle: Ok\nlang: "zh-Hant"\npublished_at: 2025-01-28T09:30\nurl: https://a.example/1\n---\nBody.\n')
    (note,) = read_notes(tmp_path, ZoneInfo("UTC")).notes
    assert note.language == "zh-Hant" and (note.date.day, note.date.hour, note.date.minute) == (28, 9, 30)


def test_a_yaml_error_names_the_line_to_fix_not_the_line_after(tmp_path):
    (tmp_path / "broken.md").write_text("---\ntitle: Broken\ndate: 2025-01-28\ntags: [a, b\nurl: https://a.example/2\n---\nBody.\n")
    read = read_notes(tmp_path, ZoneInfo("UTC"))
    (problem,) = [p for p in read.problems if p.severity == "error"]
    assert problem.line == 4 and "not closed" in problem.message and not read.notes


def test_unsafe_html_in_a_note_is_removed_and_named(tmp_path):
    (tmp_path / "scripted.md").write_text("---\ntitle: Scripted\nweek: 2025-W05\n---\nKept words.<script>alert(1)</script>"
                                          "<a href='javascript:alert(2)'>link</a>\n")
    read = read_notes(tmp_path, ZoneInfo("UTC"))
    (note,) = read.notes
    assert "Kept words." in note.body_text and "alert" not in note.body_html and "javascript" not in note.body_html
    assert any("unsafe HTML" in p.message and p.path.endswith("scripted.md") for p in read.problems)


def test_a_broken_link_or_unreadable_note_is_named_and_skipped(tmp_path):
    (tmp_path / "gone.md").symlink_to(tmp_path / "nowhere.md")
    (tmp_path / "folder.md").mkdir()
    (tmp_path / "fine.md").write_text("---\ntitle: Fine\nweek: 2025-W05\n---\nText.\n")
    read = read_notes(tmp_path, ZoneInfo("UTC"))
    assert [n.title for n in read.notes] == ["Fine"]
    assert any(p.path.endswith("gone.md") and "does not exist" in p.message for p in read.problems)
