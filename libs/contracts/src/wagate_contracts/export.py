"""Export the JSON Schemas of all contracts to ``libs/contracts/schemas/``.

``python -m wagate_contracts.export`` rewrites the files; ``--check`` only
compares them with the models and exits 1 listing stale, missing or extra files.
"""

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from pydantic import BaseModel

from wagate_contracts.message_content import MessageContent
from wagate_contracts.registry import EVENT_TYPES

SCHEMA_DIR: Final = Path(__file__).resolve().parents[2] / "schemas"
"""``libs/contracts/schemas`` of the source tree, whatever the working directory."""

JSON_SCHEMA_DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
MESSAGE_CONTENT_FILE: Final = "message_content.json"


def _schema(model: type[BaseModel], event_type: str | None = None) -> dict[str, Any]:
    schema = model.model_json_schema(mode="validation")
    schema["$schema"] = JSON_SCHEMA_DIALECT
    if event_type is not None:
        schema["properties"]["event_type"] = {
            "const": event_type,
            "default": event_type,
            "title": "Event Type",
            "type": "string",
        }
    return schema


def _render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def generate_schemas() -> dict[str, str]:
    """File name → file content for every event type and :class:`MessageContent`."""
    files = {
        f"{event_type}.json": _render(_schema(cls, event_type))
        for event_type, cls in EVENT_TYPES.items()
    }
    files[MESSAGE_CONTENT_FILE] = _render(_schema(MessageContent))
    return dict(sorted(files.items()))


def diff_schemas(directory: Path = SCHEMA_DIR) -> list[str]:
    """Differences between ``directory`` and the models, one line each (empty: up to date)."""
    expected = generate_schemas()
    on_disk = {p.name: p for p in directory.glob("*.json")} if directory.is_dir() else {}
    problems = [f"missing: {name}" for name in expected if name not in on_disk]
    problems += [
        f"stale: {name}"
        for name, text in expected.items()
        if name in on_disk and on_disk[name].read_text(encoding="utf-8") != text
    ]
    problems += [f"extra: {name}" for name in sorted(on_disk) if name not in expected]
    return problems


def write_schemas(directory: Path = SCHEMA_DIR) -> list[str]:
    """Write every schema and delete extra ``*.json`` files; returns the names written."""
    directory.mkdir(parents=True, exist_ok=True)
    expected = generate_schemas()
    for stale in directory.glob("*.json"):
        if stale.name not in expected:
            stale.unlink()
    for name, text in expected.items():
        path = directory / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return list(expected)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m wagate_contracts.export", description=__doc__)
    parser.add_argument("--check", action="store_true", help="only compare, exit 1 on change")
    parser.add_argument("--dir", type=Path, default=SCHEMA_DIR, help="schema directory")
    args = parser.parse_args(argv)
    directory: Path = args.dir
    if args.check:
        problems = diff_schemas(directory)
        for line in problems:
            print(line, file=sys.stderr)
        if problems:
            print("run: python -m wagate_contracts.export", file=sys.stderr)
            return 1
        print(f"schemas up to date in {directory}")
        return 0
    written = write_schemas(directory)
    print(f"wrote {len(written)} schemas to {directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
