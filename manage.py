"""The command line: python manage.py --help."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TextColumn, TimeElapsedColumn
from rich.text import Text
from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import Role
from services.accounts.tokens import create_token
from services.platform import audit
from services.platform.db import Database
from services.platform.errors import DomainError, Problem
from services.platform.principal import Principal
from services.platform.settings import load_settings
from services.platform.transactions import run_change
from services.records.record_columns import RecordKind

if TYPE_CHECKING:
    from demo import seed
    from services.credit import risk
    from services.records import record_import
    from services.records.record_import_report import ImportReport

# Heavy modules are imported inside the commands that need them: a quick
# `token create` should not pay for the GraphQL schema or the demo generator,
# nor for services.accounts.users, whose import hashes a dummy password (argon2, ~0.1 s).
cli = typer.Typer(help="监管平台 Jianguan: 事中事后综合监管平台的命令行", no_args_is_help=True)
token_cli = typer.Typer(help="API 令牌", no_args_is_help=True)
cli.add_typer(token_cli, name="token")
user_cli = typer.Typer(help="管理后台用户", no_args_is_help=True)
cli.add_typer(user_cli, name="user")
console = Console(stderr=True)
ROOT = Path(__file__).resolve().parent
PUBLIC_BASE = "http://127.0.0.1:8000"  # where `make run` serves
T = TypeVar("T")


def _run(work: Callable[[Database], Awaitable[T]]) -> T:
    settings = load_settings()

    async def main() -> T:
        db = Database(settings.database_url, settings.secret_key)
        try:
            return await work(db)
        finally:
            await db.dispose()

    return asyncio.run(main())


@cli.command()
def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    """Serve the API (/graphql) and the admin pages (/admin)."""
    import uvicorn

    uvicorn.run("app:create_app", factory=True, host=host, port=port, workers=workers)


@cli.command("migrate")
def migrate_command() -> None:
    """Bring the database to the newest schema."""
    from services.platform import migrate

    _run(migrate.upgrade)
    console.print("数据库已迁移到最新版本")


@cli.command("seed-demo")
def seed_demo(
    seed_value: Annotated[int, typer.Option("--seed", help="随机种子：相同种子生成相同的城市")] = 2026,
    entities: Annotated[int, typer.Option(help="市场主体数量")] = 2000,
    if_empty: Annotated[bool, typer.Option("--if-empty", help="数据库已有数据时什么也不做")] = False,
) -> None:
    """Load the demo city (Dalian) and print the demo tokens it created."""
    from demo import seed

    async def work(db: Database) -> seed.SeedReport | None:
        if not await seed.is_empty(db):
            if if_empty:
                return None
            raise DomainError("NOT_EMPTY", "数据库中已有数据；演示数据只能载入空数据库")
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("生成市场主体", total=entities)
            return await seed.seed_demo(db, seed_value, entities, lambda n: progress.advance(task, n))

    try:
        report = _run(work)
    except DomainError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from error
    if report is None:
        console.print("数据库中已有数据，未载入演示数据。新建令牌：python manage.py token create --department CODE")
        return
    console.print(
        f"已载入演示城市：{report.regions} 个行政区划、{report.departments} 个部门、"
        f"{report.entities} 个市场主体、{report.persons} 名相关人员；"
        f"发布职责目录“{report.catalog_version}”，推送告知 {report.notices} 条；"
        f"行政许可 {report.licenses} 条、行政处罚 {report.penalties} 条、12345投诉 {report.complaints} 条；"
        f"名录记录 {report.listings} 条（仍在名录 {report.standing_listings} 条）、"
        f"惩戒措施 {report.discipline_measures} 项"
    )
    console.print("演示令牌（只显示这一次，请妥善保存）：")
    for token in report.tokens:
        print(f"  {token.name:<24} {token.department_code:<12} {token.role.value:<10} {token.token}")
    maintainer, *staff = report.logins
    console.print("演示登录（管理后台 /admin；密码只显示这一次）：")
    print(f"  维护人员  用户名 {maintainer.username:<14} 密码 {maintainer.password}")
    example = staff[0]
    print(
        f"  部门用户  用户名为部门代码的小写形式（共 {len(staff)} 个，如 {example.username}），密码 {example.password}"
    )
    spot = report.spot_checks
    if spot is not None:
        inspector = spot.inspector_login
        print(
            f"  {inspector.display_name}  用户名 {inspector.username:<14} 密码 {inspector.password}"
            f"（{inspector.department_code}，执法证号 {spot.inspector_certificate_no}）"
        )
        drawn = (
            f"已完成并公示 1 个（{spot.done_plan_id} 号）、部门联合抽查检查中 1 个（{spot.joint_plan_id} 号）、"
            if spot.done_plan_id is not None
            else "（主体太少，未抽取）"
        )
        console.print(
            f"双随机、一公开：随机抽查事项 {spot.check_items} 项、执法检查人员 {spot.inspectors} 名"
            f"（回避声明 {spot.conflicts} 项）、检查对象名录库 {spot.directories} 个；抽查计划：{drawn}"
            f"已审批待抽取 1 个（{spot.approved_plan_id} 号）"
        )
        if spot.done_plan_id is not None:
            print(f"  公开的抽取记录（已完成的计划）  {PUBLIC_BASE}/public/draws/{spot.done_plan_id}")


def _role(value: str) -> Role:
    try:
        return Role(value.upper())
    except ValueError:
        console.print("[red]--role 只能是 department 或 maintainer[/red]")
        raise typer.Exit(2) from None


def _change(actor: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run one change as the command line, in one transaction; print problems and exit 1."""

    async def run(db: Database) -> tuple[T | None, list[Problem]]:
        return await run_change(db, Principal.system(actor), work)

    result, problems = _run(run)
    if problems or result is None:
        for problem in problems:
            console.print(f"[red]{problem.message}[/red]")
        raise typer.Exit(1)
    return result


@token_cli.command("create")
def token_create(
    department: Annotated[str, typer.Option(help="部门代码")],
    role: Annotated[str, typer.Option(help="department 或 maintainer")] = "department",
    name: Annotated[str | None, typer.Option(help="令牌名称（如对接系统的名字）")] = None,
) -> None:
    """Create an API token; the token alone is printed on the last line."""
    token_role = _role(role)
    _, plain = _change(
        "cli", lambda session: create_token(session, department, token_role, name or f"{department} {role}")
    )
    console.print(f"已为部门 {department} 创建 {token_role.value} 令牌；只显示这一次：")
    print(plain)


@user_cli.command("create")
def user_create(
    username: Annotated[str, typer.Option(help="登录名")],
    department: Annotated[str, typer.Option(help="部门代码")],
    role: Annotated[str, typer.Option(help="department 或 maintainer")] = "department",
    name: Annotated[str | None, typer.Option(help="姓名（默认同登录名）")] = None,
    password: Annotated[
        str, typer.Option(prompt="密码", hide_input=True, confirmation_prompt=True, help="不给出时交互输入")
    ] = "",
) -> None:
    """Create an admin user (maintainer or department staff)."""
    from services.accounts.users import UserInput, create_user

    data = UserInput(username, name or username, password, _role(role), department)
    user = _change("cli", lambda session: create_user(session, data))
    console.print(f"已创建用户 {user.username}（{user.role.value}，部门 {department}）")


class _RowsPerSecond(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} 行/秒" if speed else "")


def _import_progress(progress: Progress) -> record_import.Progress:
    task = progress.add_task("导入", total=None)

    def advance(rows: int, fraction: float | None) -> None:
        # The bar follows the share of the file read; the counts are rows.
        progress.update(task, completed=rows, total=rows / fraction if fraction else None)

    return advance


@cli.command("import")
def import_command(
    kind: Annotated[RecordKind, typer.Argument(help="记录种类：license（许可）、penalty（处罚）或 complaint（投诉）")],
    file: Annotated[Path, typer.Argument(help="CSV（UTF-8 或 GB18030）或 XLSX 文件")],
    department: Annotated[str, typer.Option(help="来源部门代码：以该部门的名义导入（一数一源）")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只检查并报告导入后的结果，不保存")] = False,
    all_or_nothing: Annotated[
        bool, typer.Option("--all-or-nothing", help="有任何一行被拒绝，则整个文件都不导入")
    ] = False,
    report: Annotated[Path | None, typer.Option("--report", help="把每一行的结果写入此 CSV 文件")] = None,
) -> None:
    """Import licenses, penalties or complaints from a file, row by row; exit 0 when every row
    was accepted, updated or unchanged, 1 when some were rejected, 2 when the file (or the
    department) could not be used at all."""
    from services.records import record_import

    if not file.is_file():
        console.print(f"[red]文件“{file}”不存在[/red]")
        raise typer.Exit(2)

    async def run(db: Database, progress: record_import.Progress | None = None) -> ImportReport:
        return await record_import.import_file(
            db, kind, file, department, dry_run=dry_run, all_or_nothing=all_or_nothing, report_path=report,
            progress=progress,
        )  # fmt: skip

    async def work(db: Database) -> ImportReport:
        if not sys.stdout.isatty():
            return await run(db)
        columns = (TextColumn("导入"), BarColumn(), TextColumn("{task.completed:,.0f} 行"), _RowsPerSecond(),
                   TimeElapsedColumn())  # fmt: skip
        with Progress(*columns, console=Console(), transient=True) as progress:
            return await run(db, _import_progress(progress))

    try:
        done = _run(work)
    except DomainError as error:
        console.print(f"[red]未导入：{error}[/red]")
        raise typer.Exit(2) from error
    print(done.summary)
    for problem in done.errors:
        print(problem.message)
    rejected = [line for line in done.lines if line.outcome.value == "REJECTED"]
    for line in rejected[:_SHOWN_PROBLEMS]:
        print(f"  第 {line.row} 行 {line.column or ''}：{line.message}（{line.code}）")
    if done.rejected and (len(rejected) > _SHOWN_PROBLEMS or done.truncated):
        print(f"  …… 完整的逐行报告{'见 ' + str(report) if report else '请用 --report 文件.csv 导出'}")
    if done.rejected:
        raise typer.Exit(1)


_SHOWN_PROBLEMS = 20


@cli.command("export-schema")
def export_schema(path: Annotated[Path, typer.Option(help="输出文件")] = ROOT / "schema.graphql") -> None:
    """Write the GraphQL SDL that integrators read (schema.graphql)."""
    from schema import sdl

    path.write_text(sdl(), encoding="utf-8")
    console.print(f"已写入 {path}")


@cli.command("run-jobs")
def run_jobs() -> None:
    """Run the scheduled jobs once (idempotent: schedule it, e.g. daily from cron, on any number of machines)."""
    from services import jobs

    report = _run(jobs.run_jobs)
    reminders = report.reminders
    print(f"经营异常名录满三年提醒：向登记机关发出 {len(reminders)} 条")
    for reminder in reminders:
        print(
            f"  {reminder.uscc} {reminder.entity_name}：{reminder.listed_on.isoformat()} 列入，"
            f"{reminder.due_on.isoformat()} 满三年 → {reminder.department_name}（{reminder.department_code}）"
        )
    follow_ups = report.follow_ups
    print(f"责令改正期满后续检查：新建检查任务 {len(follow_ups)} 个")
    for follow_up in follow_ups:
        due = follow_up.due_on.isoformat()
        print(f"  任务 {follow_up.parent_task_id} → 后续检查任务 {follow_up.task_id}（{due} 前完成）")
    if report.colours is not None:
        _print_colours(report.colours)


def _print_colours(done: risk.Recomputed) -> None:
    from services.platform.labels import label

    counts = "，".join(f"{label(colour)} {count}" for colour, count in done.by_colour.items())
    print(f"四色警示重新评定：{done.total} 个市场主体，{done.changed} 个颜色变化（{counts}）")


@cli.command("recompute-colours")
def recompute_colours() -> None:
    """Re-rate every entity's risk colour as one set-based job, and say how many changed."""
    from services.credit import risk

    async def work(db: Database) -> risk.Recomputed:
        done, problems = await run_change(db, Principal.system("recompute-colours"), risk.recompute_all)
        assert done is not None and not problems, problems
        return done

    _print_colours(_run(work))


@cli.command("verify-audit")
def verify_audit() -> None:
    """Check the audit log's hash chain; exit 1 and name the first bad event."""

    async def work(db: Database) -> audit.ChainReport:
        async with db.session(Principal.system("verify-audit")) as session:
            return await audit.verify_chain(session)

    report = _run(work)
    if report.ok:
        print(f"审计日志完整：已核对 {report.checked} 个事件")
        return
    print(f"审计日志被篡改：事件 #{report.first_bad_id} {report.reason}（此前 {report.checked} 个事件完好）")
    raise typer.Exit(1)


@cli.command("verify-draw")
def verify_draw(plan_id: Annotated[int, typer.Argument(help="抽查计划编号")]) -> None:
    """Recompute a plan's published draw twice (the platform's rule and the standalone
    tools/verify_draw.py) and compare both with the record; exit 1 on any difference, 2 when the
    plan is unknown or not drawn yet."""
    from services.spotchecks import check_record, public_draw_record, standalone_check

    async def work(db: Database) -> dict[str, Any] | None:
        async with db.session(Principal.system("verify-draw")) as session:
            return await public_draw_record(session, plan_id)

    record = _run(work)
    if record is None:
        console.print(f"[red]抽查计划 {plan_id} 不存在，或尚未审批（没有公示的抽取记录）[/red]", soft_wrap=True)
        raise typer.Exit(2)
    if record.get("seed") is None:
        commitment = record.get("seedCommitment")
        message = f"抽查计划 {plan_id}“{record.get('planName')}”尚未抽取：目前只公示了种子承诺值 {commitment}"
        console.print(f"[red]{message}[/red]", soft_wrap=True)
        raise typer.Exit(2)
    # Both read the record as the public receives it: its JSON.
    published = json.loads(json.dumps(record, ensure_ascii=False))
    print(f"抽查计划 {plan_id}“{record.get('planName')}”的抽取记录（抽取于 {record.get('drawnAt')}）")
    platform, alone = check_record(published), standalone_check(published)
    print(f"平台规则重算（services.spotchecks.draw_rule）：{'一致' if platform.ok else '不一致'}：{platform.message}")
    print(f"独立核对程序（tools/verify_draw.py）：{'OK' if alone.ok else '不一致'}：{alone.message}")
    if not (platform.ok and alone.ok):
        raise typer.Exit(1)


if __name__ == "__main__":
    sys.exit(cli())
