"""The error tree of accord.

Every failure a user can cause or fix is an :class:`AccordError`; the CLI turns it into a
message on stderr and an exit code, never a traceback::

    AccordError                     base; ``exit_code`` tells the CLI how to end (2)
    ├── InputError                  bad input a user must fix; one Diagnostic per problem
    │   ├── ManifestError           accord.yaml is unreadable or inconsistent
    │   ├── SchemaError             a schema file is not valid Avro / JSON Schema
    │   └── UsageError              arguments that cannot work together
    ├── SourceError                 an --against source cannot be read (git, dir, registry)
    ├── RegistryError               a registry answered with an error (HTTP + Confluent code)
    ├── CodegenError                a schema that cannot be turned into safe Python
    └── RuntimeFailure              the runtime cannot go on (broker, serde, database)

Problems found by a *check* (lint findings, incompatible schemas) are not errors: they are
:class:`accord.diagnostics.Diagnostic` records in a result, and exit code 1.
"""

from __future__ import annotations

from collections.abc import Iterable

from accord.diagnostics import Diagnostic, Location, Severity

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT = 2


class AccordError(Exception):
    """Base of every error accord raises on purpose."""

    exit_code: int = EXIT_INPUT

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def render(self) -> str:
        """The message as printed on stderr (``hint`` on its own line)."""
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class InputError(AccordError):
    """Input that cannot be used: one :class:`Diagnostic` per problem, each with its location."""

    def __init__(
        self,
        message: str,
        *,
        problems: Iterable[Diagnostic] = (),
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.problems: tuple[Diagnostic, ...] = tuple(sorted(problems, key=Diagnostic.sort_key))

    @classmethod
    def at(
        cls,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        pointer: str = "",
        code: str = "input-error",
        fix: str | None = None,
    ) -> InputError:
        """One problem at one place: the common case."""
        problem = Diagnostic(
            rule_id=code,
            severity=Severity.ERROR,
            message=message,
            location=Location(file=file, line=line, column=column, pointer=pointer),
            fix=fix,
        )
        return cls(message, problems=[problem], hint=fix)

    def render(self) -> str:
        if not self.problems:
            return super().render()
        return "\n".join(p.render_line() for p in self.problems)


class ManifestError(InputError):
    """The manifest (accord.yaml) cannot be read or is inconsistent."""


class SchemaError(InputError):
    """A schema file is not valid Avro or JSON Schema."""


class UsageError(InputError):
    """Command-line arguments that cannot work (the usage is wrong, not the files)."""


class SourceError(AccordError):
    """An ``--against`` source (git ref, directory, registry) cannot be read."""


class RegistryError(AccordError):
    """A schema registry answered with an error.

    ``status`` is the HTTP status, ``error_code`` Confluent's code (40401, 42201, ...).
    """

    def __init__(
        self, message: str, *, status: int = 0, error_code: int = 0, hint: str | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.error_code = error_code


class CodegenError(InputError):
    """A schema that cannot be turned into safe, type-correct Python."""


class RuntimeFailure(AccordError):
    """The runtime cannot continue (broker unreachable past its bound, database failure...)."""
