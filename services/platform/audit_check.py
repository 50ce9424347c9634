"""verify-audit's whole answer: the chain and its numbering, rows without their events, and the
checkpoints kept outside the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from services.platform import audit, audit_checkpoints, audited


@dataclass(frozen=True)
class Verdict:
    chain: audit.ChainReport
    unrecorded: list[audited.Unrecorded]
    checkpoints: int = 0  # how many were read
    checkpoint_problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.chain.ok and not self.unrecorded and not self.checkpoint_problems

    @property
    def problems(self) -> list[str]:
        """Each thing wrong, one line of Chinese each."""
        lines = []
        if not self.chain.ok:
            lines.append(
                f"审计日志被篡改：事件 #{self.chain.first_bad_id} {self.chain.reason}"
                f"（此前 {self.chain.checked} 个事件完好）"
            )
        lines += [row.message for row in self.unrecorded]
        return lines + self.checkpoint_problems


async def examine(session: AsyncSession, checkpoints: Path | None = None) -> Verdict:
    """Everything verify-audit checks; `checkpoints` is the file of signed checkpoints, if any."""
    chain = await audit.verify_chain(session)
    missing = await audited.unrecorded(session)
    if checkpoints is None:
        return Verdict(chain, missing)
    found = audit_checkpoints.read(checkpoints)
    problems = found.problems + await audit_checkpoints.disagreements(session, found.checkpoints)
    return Verdict(chain, missing, len(found.checkpoints), problems)
