"""The compiled read path: covered read operations answered by one SQL statement (issue 14)."""

from resolvers.compiled.reads import CompiledReads

__all__ = ["CompiledReads"]
