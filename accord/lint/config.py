"""Lint configuration: ``lint:`` in accord.yaml plus ``--select`` / ``--ignore``, like Buf's.

.. code-block:: yaml

    lint:
      use: [default]            # rule IDs or categories (default: the rules marked default)
      except: [AVRO_NAMESPACE_MISSING, docs]
      ignore: [schemas/legacy]  # files or folders, relative to accord.yaml
      ignore_only:
        AVRO_FIELD_MISSING_DOC: [schemas/vendor]
      naming: {field: camelCase, topic: "^[a-z]+\\.v[0-9]+$"}
      money_words: [price, amount, total, fee]

The manifest's JSON Schema types ``lint`` as a free object; this module checks its content and
reports each problem at its line in accord.yaml (unknown rule IDs with "did you mean").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from accord.contracts import Contracts
from accord.contracts import pointer as jp
from accord.contracts.suggest import did_you_mean
from accord.diagnostics import Diagnostic, Location, Severity
from accord.errors import UsageError
from accord.lint.naming import DEFAULT_STYLES, STYLES, Style
from accord.lint.registry import CATEGORIES, Rule, all_rules

KEYS = ("use", "except", "ignore", "ignore_only", "naming", "money_words")
#: Pseudo-categories: ``default`` (the rules on by default) and ``all``.
GROUPS = ("default", "all")
DEFAULT_MONEY_WORDS = (
    "amount",
    "balance",
    "cost",
    "discount",
    "fee",
    "money",
    "payment",
    "price",
    "refund",
    "revenue",
    "salary",
    "subtotal",
    "tax",
    "total",
)
CODE = "lint-config"


@dataclass(frozen=True)
class Options:
    """Settings rules read: naming styles by kind of name, words that mark money."""

    naming: Mapping[str, Style] = field(
        default_factory=lambda: MappingProxyType(
            {kind: Style.parse(style) for kind, style in DEFAULT_STYLES.items()}
        )
    )
    money_words: frozenset[str] = frozenset(DEFAULT_MONEY_WORDS)


@dataclass(frozen=True)
class LintConfig:
    """The resolved configuration: which rules run, which paths are skipped, rule options."""

    rules: tuple[str, ...]  # selected rule IDs, sorted
    options: Options = field(default_factory=Options)
    ignore: tuple[Path, ...] = ()  # absolute paths
    ignore_only: Mapping[str, tuple[Path, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def skips(self, rule_id: str, path: Path | None) -> bool:
        """Whether findings of ``rule_id`` in the file at ``path`` are ignored by path."""
        if path is None:
            return False
        paths = self.ignore + self.ignore_only.get(rule_id, ())
        return any(path == p or p in path.parents for p in paths)


def expand(token: str, rules: Mapping[str, Rule]) -> list[str] | None:
    """Rule IDs a token names (an ID, a category, ``default`` or ``all``); None if unknown."""
    if token.upper() in rules:
        return [token.upper()]
    low = token.lower()
    if low == "all":
        return list(rules)
    if low == "default":
        return [rid for rid, r in rules.items() if r.default]
    if low in CATEGORIES:
        return [rid for rid, r in rules.items() if low in r.categories]
    return None


def suggest(token: str, rules: Mapping[str, Rule]) -> str:
    hint = did_you_mean(token, [*rules, *CATEGORIES, *GROUPS])
    return hint or "run `accord rules` for the rule IDs; categories: " + ", ".join(CATEGORIES)


class _Reader:
    """Checks the ``lint:`` mapping, collecting located problems."""

    def __init__(self, contracts: Contracts | None, data: Mapping[str, Any]) -> None:
        self.contracts = contracts
        self.data = data
        self.rules = all_rules()
        self.problems: list[Diagnostic] = []
        self.root = contracts.root if contracts is not None else Path.cwd()

    def problem(self, pointer: str, message: str, fix: str | None = None) -> None:
        ptr = jp.join("/lint", *jp.split(pointer)) if pointer else "/lint"
        loc = (
            self.contracts.locate(ptr)
            if self.contracts is not None
            else Location(file="accord.yaml", pointer=ptr)
        )
        self.problems.append(Diagnostic(CODE, Severity.ERROR, message, loc, fix=fix))

    def strings(self, key: str, value: Any) -> list[tuple[str, str]]:
        """(pointer, string) of each item of a list of strings (a lone string is allowed)."""
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list):
            self.problem(f"/{key}", f"`lint.{key}` must be a list of strings")
            return []
        out = []
        for i, item in enumerate(items):
            ptr = jp.join(f"/{key}", i) if not isinstance(value, str) else f"/{key}"
            if isinstance(item, str) and item.strip():
                out.append((ptr, item.strip()))
            else:
                self.problem(ptr, f"`lint.{key}` entries must be non-empty strings")
        return out

    def tokens(self, pointer: str, items: Iterable[tuple[str, str]]) -> list[str]:
        ids: list[str] = []
        for ptr, token in items:
            found = expand(token, self.rules)
            if found is None:
                self.problem(
                    ptr, f"unknown lint rule or category {token!r}", suggest(token, self.rules)
                )
            else:
                ids.extend(found)
        return ids

    def paths(self, items: Iterable[tuple[str, str]]) -> tuple[Path, ...]:
        out = []
        for ptr, text in items:
            path = (self.root / text).resolve()
            if not path.exists():
                self.problem(
                    ptr,
                    f"ignored path {text!r} does not exist",
                    "paths are relative to accord.yaml; fix or remove the entry",
                )
            out.append(path)
        return tuple(out)

    def read(self) -> LintConfig:
        data = self.data
        for key in sorted(set(data) - set(KEYS)):
            self.problem(
                f"/{jp.escape(key)}",
                f"unknown key {key!r} in `lint`",
                did_you_mean(key, KEYS) or "allowed keys: " + ", ".join(KEYS),
            )
        if "use" in data:
            selected = set(self.tokens("/use", self.strings("use", data["use"])))
        else:
            selected = {rid for rid, r in self.rules.items() if r.default}
        if "except" in data:
            selected -= set(self.tokens("/except", self.strings("except", data["except"])))
        ignore = self.paths(self.strings("ignore", data["ignore"])) if "ignore" in data else ()
        return LintConfig(
            rules=tuple(sorted(selected)),
            options=Options(naming=self.naming(), money_words=self.money_words()),
            ignore=ignore,
            ignore_only=self.ignore_only(),
        )

    def ignore_only(self) -> Mapping[str, tuple[Path, ...]]:
        value = self.data.get("ignore_only", {})
        if not isinstance(value, dict):
            self.problem(
                "/ignore_only", "`lint.ignore_only` must map rule IDs or categories to paths"
            )
            return MappingProxyType({})
        out: dict[str, tuple[Path, ...]] = {}
        for token, paths in value.items():
            ptr = jp.join("/ignore_only", token)
            ids = self.tokens(ptr, [(ptr, token)])
            found = self.paths(self.strings(ptr[1:], paths))
            for rid in ids:
                out[rid] = out.get(rid, ()) + found
        return MappingProxyType(out)

    def naming(self) -> Mapping[str, Style]:
        styles = {kind: Style.parse(style) for kind, style in DEFAULT_STYLES.items()}
        value = self.data.get("naming", {})
        if not isinstance(value, dict):
            self.problem("/naming", "`lint.naming` must map kinds of names to styles")
            return MappingProxyType(styles)
        for kind, style in value.items():
            ptr = jp.join("/naming", kind)
            if kind not in DEFAULT_STYLES:
                self.problem(
                    ptr,
                    f"unknown kind of name {kind!r} in `lint.naming`",
                    did_you_mean(kind, DEFAULT_STYLES)
                    or "kinds: " + ", ".join(sorted(DEFAULT_STYLES)),
                )
                continue
            try:
                styles[kind] = Style.parse(str(style))
            except ValueError as exc:
                self.problem(
                    ptr,
                    str(exc),
                    (did_you_mean(str(style), STYLES) or "")
                    + " (styles: "
                    + ", ".join(STYLES)
                    + ", or a regular expression starting with ^)",
                )
        return MappingProxyType(styles)

    def money_words(self) -> frozenset[str]:
        if "money_words" not in self.data:
            return frozenset(DEFAULT_MONEY_WORDS)
        return frozenset(
            w.lower() for _, w in self.strings("money_words", self.data["money_words"])
        )


def read_config(contracts: Contracts | None) -> tuple[LintConfig, list[Diagnostic]]:
    """The configuration in ``contracts.lint`` (defaults without a manifest) and its problems."""
    data = contracts.lint if contracts is not None else {}
    reader = _Reader(contracts, data)
    config = reader.read()
    return config, reader.problems


def config_problems(contracts: Contracts) -> list[Diagnostic]:
    """Problems of the ``lint:`` section, located in accord.yaml (for ``accord validate``)."""
    return read_config(contracts)[1]


def with_cli(
    config: LintConfig, select: Iterable[str] = (), ignore: Iterable[str] = ()
) -> LintConfig:
    """Apply ``--select`` (replaces the selection) and ``--ignore`` (removes from it).

    Tokens may be comma-separated. Unknown IDs raise :class:`UsageError` with a suggestion.
    """
    rules = all_rules()

    def ids(values: Iterable[str], option: str) -> set[str]:
        out: set[str] = set()
        for value in values:
            for token in (t.strip() for t in value.split(",")):
                if not token:
                    continue
                found = expand(token, rules)
                if found is None:
                    raise UsageError(
                        f"{option}: unknown lint rule or category {token!r}",
                        hint=suggest(token, rules),
                    )
                out.update(found)
        return out

    select, ignore = list(select), list(ignore)
    chosen = ids(select, "--select") if select else set(config.rules)
    chosen -= ids(ignore, "--ignore")
    return LintConfig(
        rules=tuple(sorted(chosen)),
        options=config.options,
        ignore=config.ignore,
        ignore_only=config.ignore_only,
    )
