"""Compiled admin templates, shared by every admin a process builds.

starlette-admin gives each admin its own Jinja environment, which compiles each template again on
first use: about a second of CPU for the pages a test visits, paid once per app. A server builds one
app, but the test suite builds one per test. Jinja checks each template's source against the code it
keeps (a checksum), so an edited template is compiled afresh."""

from __future__ import annotations

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket


class SharedTemplateCode(BytecodeCache):
    """Compiled templates in memory, for the life of the process."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._code.clear()


TEMPLATE_CODE = SharedTemplateCode()
