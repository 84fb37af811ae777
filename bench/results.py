"""Writing figures into bench/RESULTS.md: each benchmark owns a section between markers, and inside it one block
per database engine (SQLite first), so a run replaces only what it measured."""

import re
from pathlib import Path


def write_results(path: Path, name: str, title: str, block: str, engine: str) -> None:
    """Put ``block`` (which starts with ``<!-- {name}:{engine}:start -->``) into section ``name``; keep the rest,
    including the text before the blocks (what is measured, the caveats)."""
    text = path.read_text() if path.exists() else "# Benchmarks\n\nFigures written by the scripts in `bench/`.\n"
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    if start not in text:
        text = text.rstrip("\n") + f"\n\n{start}\n## {title}\n\n{end}\n"
    head, rest = text.split(start, 1)
    section, tail = rest.split(end, 1)
    pattern = rf"<!-- {re.escape(name)}:(\w+):start -->.*?<!-- {re.escape(name)}:\1:end -->"
    blocks = {m.group(1): m.group(0) for m in re.finditer(pattern, section, re.S)}
    blocks[engine] = block
    intro = section.split(f"<!-- {name}:", 1)[0].rstrip("\n")
    ordered = [blocks[k] for k in sorted(blocks, key=lambda k: (k != "sqlite", k))]
    section = intro + "\n\n" + "\n\n".join(ordered) + "\n"
    path.write_text(head + start + section + end + tail)
