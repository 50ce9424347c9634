"""A password for the command line: typed twice on a terminal, or given by automation through
an environment variable or a line on standard input; never as an argument (ps would show it)."""

from __future__ import annotations

import os
import sys
from typing import NoReturn

import typer
from rich.console import Console

_console = Console(stderr=True, soft_wrap=True)


def read_password(env_var: str, from_stdin: bool, prompt: str = "密码") -> str:
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            _fail("标准输入中没有密码：--password-stdin 读取标准输入的第一行")
        return line
    if env_var in os.environ:
        value = os.environ[env_var]
        if not value:
            _fail(f"环境变量 {env_var} 为空，请设置密码")
        return value
    if not sys.stdin.isatty():
        _fail(f"没有终端，无法输入密码：请用环境变量 {env_var} 或 --password-stdin（从标准输入读一行）提供密码")
    for _ in range(3):
        first: str = typer.prompt(prompt, hide_input=True, err=True)
        again: str = typer.prompt("再次输入以确认", hide_input=True, err=True)
        if first == again:
            return first
        _console.print("[red]两次输入不一致，请重新输入[/red]")
    _fail("三次输入都不一致，未设置密码")


def _fail(message: str) -> NoReturn:
    _console.print(f"[red]{message}[/red]")
    raise typer.Exit(2)
