"""`manage.py serve`: uvicorn with the fastest event loop and HTTP parser installed and, on Linux,
a listening socket of its own for each worker process (SO_REUSEPORT).

Workers sharing one socket (uvicorn's way) all wait in accept() and the kernel wakes one of them:
under a load test one busy worker took every keep-alive connection while the other idled (6 runs
out of 8). Sockets bound to one port with SO_REUSEPORT each get their own queue, and the kernel
hashes every new connection to one of them, so connections spread over the workers."""

from __future__ import annotations

import copy
import importlib.util
import logging
import socket
from typing import Any

import uvicorn
from uvicorn.config import LOGGING_CONFIG, STARTUP_FAILURE
from uvicorn.supervisors.multiprocess import Multiprocess, Process

APP = "app:create_app"
_log = logging.getLogger("uvicorn.error")  # beside uvicorn's own lines


def fastest(preferred: str, fallback: str) -> str:
    """uvloop and httptools are dependencies; a machine without a build of them still serves."""
    return preferred if importlib.util.find_spec(preferred) is not None else fallback


# The app's own loggers, shown from INFO up (a client that hung up, the notice listener reconnecting).
OWN_LOGGERS = ("app", "admin_ui", "public_ui", "resolvers", "schema", "services")


def log_config() -> dict[str, Any]:
    """uvicorn's logging, with every other logger's warnings and errors and the app's own INFO lines
    through the same handler and format (otherwise Python prints warnings and errors bare, and drops
    the rest)."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["root"] = {"handlers": ["default"], "level": "WARNING"}
    config["loggers"].update({name: {"level": "INFO"} for name in OWN_LOGGERS})
    return config


def reuse_port_sockets(host: str, port: int, count: int) -> list[socket.socket]:
    """`count` sockets listening on one port. Raises OSError when the port is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # A plain bind first: a server already on the port (even another `serve`, which SO_REUSEPORT
    # would otherwise let this one join silently) fails here as it would without the option.
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
        port = probe.getsockname()[1]  # port 0: the one the system chose
    sockets = []
    for _ in range(count):
        sock = socket.socket(family)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.set_inheritable(True)
        sockets.append(sock)
    return sockets


class ReusePortWorkers(Multiprocess):
    """uvicorn's supervisor (Ctrl-C and SIGTERM stop every worker gracefully; a dead worker is
    replaced), with worker i listening on sockets[i] alone. A replacement takes over the same
    socket, so connections queued there while it was down are not lost."""

    def init_processes(self) -> None:
        self.processes = [self._start(index) for index in range(self.processes_num)]

    def _start(self, index: int) -> Process:
        process = Process(self.config, [self.sockets[index]])
        process.start()
        return process

    def keep_subprocess_alive(self) -> None:
        for index, process in enumerate(self.processes):
            if self.should_exit.is_set() or process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                continue
            process.kill()
            process.join()
            if process.exitcode == STARTUP_FAILURE:  # the app or its settings are broken: restarting won't help
                _log.error("工作进程 [%s] 启动失败，服务停止", process.pid)
                self.should_exit.set()
                return
            _log.info("工作进程 [%s] 已退出，重新启动一个", process.pid)
            self.processes[index] = self._start(index)

    def handle_hup(self) -> None:
        _log.warning("每个工作进程各有一个监听套接字：不支持按信号重启或增减工作进程，请重新启动 serve")

    handle_ttin = handle_ttou = handle_hup


def serve(host: str, port: int, workers: int, access_log: bool) -> None:
    options = {
        "factory": True,
        "host": host,
        "port": port,
        "workers": workers,
        "loop": fastest("uvloop", "asyncio"),
        "http": fastest("httptools", "h11"),
        "access_log": access_log,
        "log_config": log_config(),
    }
    balanced = workers > 1 and hasattr(socket, "SO_REUSEPORT")
    sockets = reuse_port_sockets(host, port, workers) if balanced else []
    config = uvicorn.Config(APP, **options)  # type: ignore[arg-type]  # (also sets up uvicorn's logging)
    spread = "，各自监听同一端口（SO_REUSEPORT），连接由内核均分" if balanced else ""
    _log.info(
        "监管平台在 http://%s:%s 提供服务：%s 个工作进程%s；事件循环 %s，HTTP 解析 %s，访问日志%s。按 Ctrl+C 停止",
        host,
        sockets[0].getsockname()[1] if sockets else port,
        workers,
        spread,
        options["loop"],
        options["http"],
        "开启" if access_log else "关闭",
    )
    if balanced:
        ReusePortWorkers(config, sockets).run()
    else:  # uvicorn's own: one process, or workers sharing one socket where SO_REUSEPORT is missing
        uvicorn.run(APP, **options)  # type: ignore[arg-type]
