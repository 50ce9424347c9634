"""Tables on standard output, headings and rows on the same stream, aligned by display width
(a Chinese character takes two columns), never wrapped or cut: a token must copy whole."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence

from rich import box
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table


def print_table(headings: Sequence[str], rows: Iterable[Sequence[str]], title: str | None = None) -> None:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold", title=title)
    for heading in headings:
        table.add_column(heading, no_wrap=True)
    for row in rows:
        table.add_row(*row)
    probe = Console(file=sys.stdout)
    needed = Measurement.get(probe, probe.options.update_width(10_000), table).maximum
    # Wider than the terminal, the lines wrap on screen but each row stays one line in a file.
    Console(file=sys.stdout, width=max(needed, probe.width), highlight=False).print(table)
