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

from models.enums import DepartmentLevel, Role
from services.accounts.tokens import create_token
from services.platform.db import Database
from services.platform.errors import DomainError, Problem
from services.platform.principal import Principal
from services.platform.settings import load_settings
from services.platform.transactions import run_change
from services.records.record_columns import RecordKind
from terminal import chinese  # noqa: F401  (the help and click's errors in Chinese)
from terminal.passwords import read_password
from terminal.tables import print_table

if TYPE_CHECKING:
    from demo import seed
    from services.credit import risk
    from services.records import record_import
    from services.records.record_import_report import ImportReport

# Heavy modules are imported inside the commands that need them: a quick
# `token create` should not pay for the GraphQL schema or the demo generator,
# nor for services.accounts.users, whose import hashes a dummy password (argon2, ~0.1 s).
_HELP = {"help_option_names": ["--help", "-h"]}
cli = typer.Typer(
    help="监管平台 Jianguan：事中事后综合监管平台的命令行。第一次为一个城市运行请用 setup；演示城市请用 seed-demo。",
    no_args_is_help=True,
    add_completion=False,
    context_settings=_HELP,
)
token_cli = typer.Typer(help="API 令牌：新建（只显示一次）", no_args_is_help=True)
cli.add_typer(token_cli, name="token")
user_cli = typer.Typer(help="管理后台用户：新建", no_args_is_help=True)
cli.add_typer(user_cli, name="user")
department_cli = typer.Typer(help="部门：新建一个，或从 CSV/XLSX 文件导入多个", no_args_is_help=True)
cli.add_typer(department_cli, name="department")
console = Console(stderr=True, soft_wrap=True)  # a message stays one line in a log
ROOT = Path(__file__).resolve().parent
PUBLIC_BASE = "http://127.0.0.1:8000"  # where `make run` serves by default
# Who the audit log names for a change made here (services.platform.audit_labels shows them in Chinese:
# 命令行, 命令行（初始化）).
CLI_ACTOR = "cli"
SETUP_ACTOR = "setup"
ADMIN_PASSWORD_ENV = "JIANGUAN_ADMIN_PASSWORD"
USER_PASSWORD_ENV = "JIANGUAN_USER_PASSWORD"
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
def serve(
    host: Annotated[str, typer.Option(help="监听地址；0.0.0.0 为所有网络接口")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口")] = 8000,
    workers: Annotated[int, typer.Option(help="工作进程数（可共用一个 PostgreSQL）")] = 1,
    access_log: Annotated[
        bool | None,
        typer.Option(
            "--access-log/--no-access-log",
            help="每个请求记一行访问日志 [默认：生产环境关，开发环境开]",
            show_default=False,
        ),
    ] = None,
) -> None:
    """提供服务：API（/graphql）和管理后台（/admin）。"""
    from terminal import serving

    try:
        settings = load_settings()
    except RuntimeError as error:  # e.g. production without a secret key: say so before any worker starts
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from error
    try:
        serving.serve(host, port, workers, not settings.production if access_log is None else access_log)
    except OSError as error:
        console.print(f"[red]无法在 {host}:{port} 上监听：{error.strerror or error}[/red]")
        raise typer.Exit(1) from error


@cli.command("migrate")
def migrate_command() -> None:
    """把数据库迁移到最新版本（新数据库也先运行这一步）。"""
    from services.platform import migrate

    try:
        _run(migrate.upgrade)
    except migrate.UnsupportedDatabase as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from error
    console.print("数据库已迁移到最新版本")


@cli.command("seed-demo")
def seed_demo(
    seed_value: Annotated[int, typer.Option("--seed", help="随机种子：相同种子生成相同的城市")] = 2026,
    entities: Annotated[int, typer.Option(help="市场主体数量")] = 2000,
    if_empty: Annotated[bool, typer.Option("--if-empty", help="数据库已有数据时什么也不做")] = False,
    base_url: Annotated[str, typer.Option("--base-url", help="打印的公开链接所用的地址")] = PUBLIC_BASE,
) -> None:
    """载入演示城市（大连），并打印新建的演示令牌和登录账号（只显示这一次）。"""
    from demo import seed
    from services.platform.labels import label

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
    print("演示令牌（只显示这一次，请妥善保存）：", flush=True)
    print_table(
        ["名称", "部门代码", "角色", "令牌"],
        [(token.name, token.department_code, label(token.role), token.token) for token in report.tokens],
    )
    maintainer, *staff = report.logins
    print("演示登录（管理后台 /admin；密码只显示这一次）：")
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
            print(f"  公开的抽取记录（已完成的计划）  {base_url.rstrip('/')}/public/draws/{spot.done_plan_id}")


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
    role: Annotated[str, typer.Option(help="角色：department（部门用户）或 maintainer（维护人员）")] = "department",
    name: Annotated[
        str | None, typer.Option(help="令牌名称（如对接系统的名字）；不给出时为“部门代码 角色令牌”")
    ] = None,
) -> None:
    """新建 API 令牌；令牌单独打印在最后一行，只显示这一次。"""
    from services.platform.labels import label

    token_role = _role(role)
    default_name = f"{department} {label(token_role)}令牌"
    _, plain = _change(CLI_ACTOR, lambda session: create_token(session, department, token_role, name or default_name))
    console.print(f"已为部门 {department} 新建{label(token_role)}令牌“{name or default_name}”；只显示这一次：")
    print(plain)


@user_cli.command("create")
def user_create(
    username: Annotated[str, typer.Option(help="登录名")],
    department: Annotated[str, typer.Option(help="部门代码")],
    role: Annotated[str, typer.Option(help="角色：department（部门用户）或 maintainer（维护人员）")] = "department",
    name: Annotated[str | None, typer.Option(help="姓名（默认同登录名）")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="从标准输入的第一行读取密码（用于脚本）")
    ] = False,
    password: Annotated[
        str | None, typer.Option(help="密码（不推荐：命令行参数本机其他用户可见）", show_default=False)
    ] = None,
) -> None:
    """新建管理后台用户（维护人员或部门用户）。

    密码在终端上输入两次；
    没有终端时（脚本、容器）从环境变量 JIANGUAN_USER_PASSWORD 读取，或加 --password-stdin 从标准输入读取一行。
    密码至少 10 个字符，不能过于简单，也不能包含用户名。"""
    from services.accounts.users import UserInput, create_user
    from services.platform.labels import label

    user_role = _role(role)
    secret = password if password is not None else read_password(USER_PASSWORD_ENV, password_stdin)
    data = UserInput(username, name or username, secret, user_role, department)
    user = _change(CLI_ACTOR, lambda session: create_user(session, data))
    console.print(f"已新建用户 {user.username}（{label(user.role)}，部门 {department}）")


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
    """逐行导入行政许可、行政处罚或 12345 投诉记录。

    退出码：0 每一行都已新增、更新或无变化；1 有行被拒绝；2 文件或部门无法使用。"""
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
    """写出对接方阅读的 GraphQL 模式（schema.graphql）。"""
    from schema import sdl

    path.write_text(sdl(), encoding="utf-8")
    console.print(f"已写入 {path}")


@cli.command("run-jobs")
def run_jobs() -> None:
    """运行一次定时任务（幂等：可用 cron 每天在任意台机器上运行）；设置了 JIANGUAN_AUDIT_CHECKPOINTS 时，
    最后再写一个审计检查点。"""
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
    if load_settings().audit_checkpoints is not None:
        audit_checkpoint(None)


def _print_colours(done: risk.Recomputed) -> None:
    from services.platform.labels import label

    counts = "，".join(f"{label(colour)} {count}" for colour, count in done.by_colour.items())
    print(f"四色警示重新评定：{done.total} 个市场主体，{done.changed} 个颜色变化（{counts}）")


@cli.command("recompute-colours")
def recompute_colours() -> None:
    """重新评定全部市场主体的四色警示，并说明多少个颜色发生了变化。"""
    from services.credit import risk

    async def work(db: Database) -> risk.Recomputed:
        done, problems = await run_change(db, Principal.system("recompute-colours"), risk.recompute_all)
        assert done is not None and not problems, problems
        return done

    _print_colours(_run(work))


@cli.command("verify-audit")
def verify_audit(
    checkpoints: Annotated[
        Path | None,
        typer.Option(
            "--checkpoints",
            help="签名检查点文件（audit-checkpoint 写的）[默认：JIANGUAN_AUDIT_CHECKPOINTS]",
            show_default=False,
        ),
    ] = None,
) -> None:
    """核对审计日志：哈希链与事件编号、受审计的行各有其事件、日志与签名检查点一致；
    发现篡改时退出码为 1，并逐条说明问题。"""
    from services.platform import audit_check

    given = checkpoints or load_settings().audit_checkpoints
    if checkpoints is not None and not checkpoints.is_file():
        console.print(f"[red]检查点文件 {checkpoints} 不存在[/red]")
        raise typer.Exit(2)

    async def work(db: Database) -> audit_check.Verdict:
        async with db.session(Principal.system("verify-audit")) as session:
            return await audit_check.examine(session, given if given is not None and given.is_file() else None)

    verdict = _run(work)
    if given is not None and not given.is_file():
        print(f"检查点文件 {given} 尚不存在：未与检查点核对")
    if verdict.ok:
        against = f"，与 {verdict.checkpoints} 个检查点一致" if verdict.checkpoints else ""
        print(f"审计日志完整：已核对 {verdict.chain.checked} 个事件{against}")
    else:
        for problem in verdict.problems:
            print(problem)
    if given is None or not given.is_file():
        # The rows alone cannot tell a log cut back with its counter rewound from one never written further.
        print(
            "警告：未配置审计检查点（JIANGUAN_AUDIT_CHECKPOINTS 或 --checkpoints），只核对了数据库本身，"
            "无法发现连同计数器一起的回退（删掉末尾的事件、换回旧日志头、再把计数器改回去）"
        )
    if not verdict.ok:
        raise typer.Exit(1)


@cli.command("check-text")
def check_text() -> None:
    """列出已保存、但不符合文字规则的数据（控制字符、格式字符、单行字段里的换行、未规范化、超长、
    “undefined”之类的代码、超出合理范围的日期）：表、行、列、问题。

    退出码：0 全部符合；1 有不符合的数据（逐条列出，请核对后修改）。"""
    from services.platform.clock import today
    from services.platform.text_report import Flaw, stored_flaws

    async def work(db: Database) -> list[Flaw]:
        async with db.session(Principal.system("check-text")) as session:
            return await stored_flaws(session, today())

    flaws = _run(work)
    if not flaws:
        print("已保存的文字全部符合文字规则")
        return
    rows = [(f.table, f.row, f.column, f.problem) for f in flaws]
    print_table(("表", "行", "列", "问题"), rows, title=f"{len(flaws)} 处不符合文字规则")
    raise typer.Exit(1)


@cli.command("audit-checkpoint")
def audit_checkpoint(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="追加到此文件 [默认：JIANGUAN_AUDIT_CHECKPOINTS]；请保存在数据库以外的机器上",
            show_default=False,
        ),
    ] = None,
) -> None:
    """核对审计日志，然后把日志头（最新事件编号、哈希、时间）用密钥签名，追加到检查点文件。"""
    from services.platform import audit_checkpoints

    path = out or load_settings().audit_checkpoints
    if path is None:
        console.print("[red]请用 --out 指定检查点文件，或设置 JIANGUAN_AUDIT_CHECKPOINTS[/red]")
        raise typer.Exit(2)

    async def work(db: Database) -> audit_checkpoints.Checkpoint:
        async with db.session(Principal.system("audit-checkpoint")) as session:
            return await audit_checkpoints.take(session)

    try:
        checkpoint = _run(work)
    except audit_checkpoints.CheckpointRefused as refused:
        console.print(f"[red]{refused}[/red]")
        raise typer.Exit(1) from refused
    audit_checkpoints.append(path, checkpoint)
    print(f"已写入{checkpoint.shown}，共 {checkpoint.events} 个事件 → {path}")


@cli.command("verify-draw")
def verify_draw(plan_id: Annotated[int, typer.Argument(help="抽查计划编号")]) -> None:
    """用平台规则和独立核对程序 tools/verify_draw.py 分别重算抽查计划公示的抽取记录，并与记录比对。

    退出码：0 一致；1 有任何不一致；2 计划不存在或尚未抽取。"""
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


@cli.command("setup")
def setup(
    city: Annotated[str, typer.Option(help="地级市的 GB/T 2260 行政区划代码，如 210200（大连市）")],
    department_code: Annotated[
        str, typer.Option(help="第一个部门（市级登记机关，负责维护）的部门代码，如 SCJG-210200")
    ],
    department_name: Annotated[str, typer.Option(help="该部门的名称，如 大连市市场监督管理局")],
    admin: Annotated[str, typer.Option(help="第一个维护人员的登录名")] = "admin",
    admin_name: Annotated[str, typer.Option(help="第一个维护人员的姓名")] = "系统维护人员",
    line: Annotated[str | None, typer.Option(help="部门的条线代码（可选），如 SCJG")] = None,
    new_token: Annotated[bool, typer.Option("--new-token", help="再次运行时也新建一个维护人员令牌")] = False,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="从标准输入的第一行读取维护人员的密码（用于脚本）")
    ] = False,
) -> None:
    """第一次为一个真实城市运行：载入城市及其区县、第一个部门、第一个维护人员，并打印一个维护人员令牌。

    行政区划取自平台自带的 GB/T 2260 代码表（services/registry/data/gb2260.csv）。
    维护人员的密码在终端上输入两次；
    没有终端时从环境变量 JIANGUAN_ADMIN_PASSWORD 读取，或加 --password-stdin 从标准输入读取一行。

    可以重复运行：已有的行政区划、部门和用户保持不变，不会重复新建。
    部门已有未吊销的首次运行令牌时不再新建令牌，除非加 --new-token。
    令牌单独打印在最后一行，只显示这一次。每一项新建都记入审计日志（操作者：命令行（初始化））。"""
    from sqlalchemy.exc import DBAPIError

    from services.registry import city_setup
    from services.registry.gb2260 import city_with_districts

    async def missing_admin(db: Database) -> bool:
        async with db.session(Principal.system(SETUP_ACTOR)) as session:
            return not await city_setup.admin_exists(session, admin)

    try:
        city_with_districts(city)  # a wrong code is told before a password is typed
        needs_password = _run(missing_admin)
    except DomainError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from error
    except DBAPIError as error:
        console.print(f"[red]无法读取数据库：{error.orig}。新数据库请先运行 python manage.py migrate[/red]")
        raise typer.Exit(1) from error
    password = read_password(ADMIN_PASSWORD_ENV, password_stdin, f"维护人员 {admin} 的密码") if needs_password else None
    data = city_setup.CitySetupInput(
        city, department_code, department_name, admin, password, admin_name, line, new_token
    )
    report = _change(SETUP_ACTOR, lambda session: city_setup.setup_city(session, data))
    for said in report.lines(data):
        print(said)
    if not report.created_anything:
        print("没有新建任何内容：这个城市已经设置过了")
    if report.token:
        print("维护人员令牌（只显示这一次，请妥善保存；请求时放在 Authorization: Bearer 之后）：")
        print(report.token)


def _level(value: str) -> DepartmentLevel:
    from services.platform.labels import parse_label

    found = parse_label(DepartmentLevel, value)
    if found is None:
        console.print("[red]--level 只能是 city（市级）或 district（区县级）[/red]")
        raise typer.Exit(2)
    return found


@department_cli.command("create")
def department_create(
    code: Annotated[str, typer.Option(help="部门代码，如 WJ-210200")],
    name: Annotated[str, typer.Option(help="部门名称")],
    level: Annotated[str, typer.Option(help="层级：city（市级）或 district（区县级）")],
    region: Annotated[str, typer.Option(help="所在行政区划代码（须已存在），如 210200")],
    registration_authority: Annotated[
        bool, typer.Option("--registration-authority", help="该部门是登记机关（市场监管部门）")
    ] = False,
    line: Annotated[str | None, typer.Option(help="条线代码（市级部门与其区县对口部门相同），如 WJ")] = None,
) -> None:
    """新建一个部门；部门代码已存在时不做任何改动并报错。"""
    from services.platform.errors import Expect
    from services.platform.labels import label
    from services.registry.departments import DepartmentInput, upsert_department

    data = DepartmentInput(code, name, _level(level), region, registration_authority, line)
    saved = _change(CLI_ACTOR, lambda session: upsert_department(session, data, Expect.NEW))
    department = saved.row
    kind = "，登记机关" if department.is_registration_authority else ""
    print(
        f"已新建部门 {department.code} {department.name}（{label(department.level)}，{department.region_code}{kind}）"
    )


@department_cli.command("import")
def department_import(
    file: Annotated[
        Path, typer.Argument(help="CSV（UTF-8 或 GB18030）或 XLSX 文件；表头见导入模板（template 子命令写出）")
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只检查并报告导入后的结果，不保存")] = False,
) -> None:
    """从文件导入部门，逐行新增或更新；整个文件一起导入：有任何一行被拒绝，整个文件都不导入。

    列：部门编码、部门名称、层级（市级/区县级）、行政区划代码、登记机关（是/否，可空）、条线（可空）。
    退出码：0 已导入（或试运行无错误）；1 有行被拒绝，未导入；2 文件无法使用。"""
    from services.platform.sheet_import import SheetFile
    from services.platform.sheet_rows import RowOutcome
    from services.registry.department_import import import_departments

    if not file.is_file():
        console.print(f"[red]文件“{file}”不存在[/red]")
        raise typer.Exit(2)
    sent = SheetFile(file.name, file.read_bytes())

    async def run(db: Database) -> tuple[Any, list[Problem]]:
        return await run_change(
            db, Principal.system(CLI_ACTOR), lambda session: import_departments(session, sent, dry_run)
        )

    report, problems = _run(run)
    if problems or report is None:
        for problem in problems:
            console.print(f"[red]未导入：{problem.message}[/red]")
        raise typer.Exit(2)
    print(report.summary)
    if report.ignored_columns:
        print(f"以下列未能识别，已忽略：{'、'.join(report.ignored_columns)}")
    rejected = [row for row in report.rows if row.outcome is RowOutcome.REJECTED]
    if rejected:
        print_table(
            ["行号", "部门编码", "列", "原因"],
            [
                (f"第 {row.row} 行", row.code, p.column, f"{p.message}（{p.code}）")
                for row in rejected
                for p in row.problems
            ],
        )
        raise typer.Exit(1)


@department_cli.command("template")
def department_template(
    path: Annotated[Path, typer.Argument(help="写出的文件：.csv 或 .xlsx")],
) -> None:
    """写出部门导入模板（中文表头和一行示例）。"""
    from services.registry.department_import import template_csv, template_xlsx

    path.write_bytes(template_xlsx() if path.suffix.lower() == ".xlsx" else template_csv())
    console.print(f"已写入 {path}")


if __name__ == "__main__":
    sys.exit(cli())
