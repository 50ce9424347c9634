"""manage.py's help and usage errors in Chinese.

typer carries its own copy of click (typer._click) whose words are plain strings, and keeps its
help panels' titles in module-level strings: both are replaced here, once, when manage.py
imports this module. What is left in English are option names and type names (<str>, <int>)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import typer.core
import typer.rich_utils as frame
from typer._click import exceptions, formatting

HELP_OPTION_TEXT = "显示本帮助并退出。"

frame.ARGUMENTS_PANEL_TITLE = "参数"
frame.OPTIONS_PANEL_TITLE = "选项"
frame.COMMANDS_PANEL_TITLE = "命令"
frame.ERRORS_PANEL_TITLE = "错误"
frame.ABORTED_TEXT = "已中止。"
frame.DEFAULT_STRING = "[默认：{}]"
frame.ENVVAR_STRING = "[环境变量：{}]"
frame.REQUIRED_LONG_STRING = "[必填]"
frame.DEPRECATED_STRING = "（已弃用）"
frame.RICH_HELP = "用 [blue]'{command_path} {help_option}'[/] 查看帮助。"

_USAGE_WORDS = {"[OPTIONS]": "[选项]", "COMMAND [ARGS]...": "命令 [参数]..."}
_PARAMETER_KINDS = {"option": "选项", "argument": "参数", "parameter": "参数"}


def _chinese_usage(original: Callable[[Any, Any], list[str]]) -> Callable[[Any, Any], list[str]]:
    def pieces(self: Any, ctx: Any) -> list[str]:
        return [_USAGE_WORDS.get(piece, piece) for piece in original(self, ctx)]

    return pieces


def _chinese_help_option(original: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def help_option(self: Any, ctx: Any) -> Any:
        option = original(self, ctx)
        if option is not None:
            option.help = HELP_OPTION_TEXT
        return option

    return help_option


for _command in (typer.core.TyperCommand, typer.core.TyperGroup):
    setattr(_command, "collect_usage_pieces", _chinese_usage(_command.collect_usage_pieces))  # noqa: B010
    setattr(_command, "get_help_option", _chinese_help_option(_command.get_help_option))  # noqa: B010

_write_usage = formatting.HelpFormatter.write_usage


def _usage_in_chinese(self: formatting.HelpFormatter, prog: str, args: str = "", prefix: str | None = None) -> None:
    _write_usage(self, prog, args, "用法：" if prefix is None else prefix)


formatting.HelpFormatter.write_usage = _usage_in_chinese  # type: ignore[method-assign]


def _hint(hint: Sequence[str] | str | None) -> str:
    if hint is None:
        return ""
    return " / ".join(f"'{h}'" for h in hint) if not isinstance(hint, str) else hint


def _missing(self: exceptions.MissingParameter) -> str:
    hint = _hint(
        self.param_hint if self.param_hint is not None else (self.param.get_error_hint() if self.param else None)
    )
    kind = self.param_type or (self.param.param_type_name if self.param is not None else "parameter")
    return f"缺少{_PARAMETER_KINDS.get(kind, kind)} {hint}".rstrip() + "。"


def _no_such_option(self: exceptions.NoSuchOption) -> str:
    found = f"没有选项 {self.option_name}"
    return f"{found}（可能是：{', '.join(sorted(self.possibilities))}）" if self.possibilities else found


exceptions.MissingParameter.format_message = _missing  # type: ignore[method-assign]
exceptions.NoSuchOption.format_message = _no_such_option  # type: ignore[method-assign]
