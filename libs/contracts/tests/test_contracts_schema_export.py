import json
from pathlib import Path

import pytest
from wagate_contracts import EVENT_TYPES
from wagate_contracts.export import (
    MESSAGE_CONTENT_FILE,
    SCHEMA_DIR,
    diff_schemas,
    generate_schemas,
    main,
    write_schemas,
)

COMMITTED = Path(__file__).resolve().parents[1] / "schemas"


def test_schema_dir_is_the_committed_folder() -> None:
    assert SCHEMA_DIR == COMMITTED


def test_committed_schemas_match_the_models() -> None:
    problems = diff_schemas(COMMITTED)
    assert not problems, (
        "the contracts changed but their JSON Schema export was not updated: "
        f"{problems}; run `uv run --frozen python -m wagate_contracts.export`"
    )
    for name, text in generate_schemas().items():
        assert (COMMITTED / name).read_text(encoding="utf-8") == text


def test_every_event_type_has_a_schema_file() -> None:
    for event_type in EVENT_TYPES:
        path = COMMITTED / f"{event_type}.json"
        assert path.is_file(), f"no schema exported for {event_type}"
        schema = json.loads(path.read_text(encoding="utf-8"))
        assert schema["properties"]["event_type"]["const"] == event_type
    assert (COMMITTED / MESSAGE_CONTENT_FILE).is_file()


def test_files_are_sorted_indented_and_end_with_newline() -> None:
    for name, text in generate_schemas().items():
        assert text.endswith("}\n"), name
        assert (
            text
            == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        )


def test_check_mode_reports_changes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check", "--dir", str(tmp_path)]) == 1
    assert "missing: message.sent.json" in capsys.readouterr().err

    assert main(["--dir", str(tmp_path)]) == 0
    assert main(["--check", "--dir", str(tmp_path)]) == 0

    (tmp_path / "message.sent.json").write_text("{}\n", encoding="utf-8")
    (tmp_path / "message.sent.json").with_name("old.event.json").write_text(
        "{}\n", encoding="utf-8"
    )
    (tmp_path / "session.deleted.json").unlink()
    assert main(["--check", "--dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "stale: message.sent.json" in err
    assert "extra: old.event.json" in err
    assert "missing: session.deleted.json" in err


def test_write_removes_extra_files(tmp_path: Path) -> None:
    (tmp_path / "gone.json").write_text("{}\n", encoding="utf-8")
    written = write_schemas(tmp_path)
    assert sorted(p.name for p in tmp_path.glob("*.json")) == sorted(written)
    assert diff_schemas(tmp_path) == []
