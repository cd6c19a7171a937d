"""In-schema suppressions that are themselves wrong: malformed, unknown, unexplained, unused.

A suppression is an attribute on any schema node mapping rule IDs to the reason:
``"accord.lint.ignore": {"AVRO_FIELD_MISSING_DOC": "generated from the ERP export"}`` (Avro),
``"x-accord-lint-ignore": {...}`` (JSON Schema). It silences that rule at the node and below.
"""

from __future__ import annotations

from accord.diagnostics import Severity
from accord.lint.elements import Finding, Suppression
from accord.lint.registry import all_rules, rule
from accord.lint.rules.common import has_text


@rule("LINT_SUPPRESSION_INVALID", on=Suppression, categories=("suppression",))
def lint_suppression_invalid(s: Suppression) -> Finding | None:
    """In-schema suppressions are objects mapping rule IDs to reasons.

    ## What it does
    Reports an `accord.lint.ignore` (Avro) or `x-accord-lint-ignore` (JSON Schema) attribute
    whose value is not a non-empty object.

    ## Why is this bad?
    A malformed suppression silences nothing, and whoever wrote it believes the opposite.

    ## Example
    ```json
    {"name": "legacy_code", "type": "string", "accord.lint.ignore": "AVRO_FIELD_MISSING_DOC"}
    ```

    ## Use instead
    ```json
    {"name": "legacy_code", "type": "string",
     "accord.lint.ignore": {"AVRO_FIELD_MISSING_DOC": "mirrors the ERP column; see ERP docs"}}
    ```

    ## Fix
    Write the suppression as `{"RULE_ID": "reason", ...}`.
    """
    if s.problem is None:
        return None
    return s.finding(s.problem, fix='write {"RULE_ID": "why this is fine here"}')


@rule("LINT_SUPPRESSION_UNKNOWN_RULE", on=Suppression, categories=("suppression",))
def lint_suppression_unknown_rule(s: Suppression) -> Finding | None:
    """In-schema suppressions name existing rule IDs.

    ## What it does
    Reports a suppression entry whose key is not the ID of a lint rule.

    ## Why is this bad?
    A misspelt ID silences nothing; the finding it was meant for stays (or comes back) and
    the schema carries a misleading note.

    ## Example
    ```json
    {"accord.lint.ignore": {"AVRO_FIELD_DOC": "generated"}}
    ```

    ## Use instead
    ```json
    {"accord.lint.ignore": {"AVRO_FIELD_MISSING_DOC": "generated"}}
    ```

    ## Fix
    Use an ID from `accord rules`.
    """
    if s.rule is None or s.rule in all_rules():
        return None
    from accord.contracts.suggest import did_you_mean

    return s.finding(
        f"suppression names unknown rule {s.rule!r}",
        fix=did_you_mean(s.rule, all_rules()) or "use a rule ID from `accord rules`",
    )


@rule("LINT_SUPPRESSION_MISSING_REASON", on=Suppression, categories=("suppression",))
def lint_suppression_missing_reason(s: Suppression) -> Finding | None:
    """In-schema suppressions give a reason.

    ## What it does
    Reports a suppression entry whose value is not a non-empty string.

    ## Why is this bad?
    A rule is suppressed because this place is an exception; the next reader (or reviewer)
    needs to know why, or the exception spreads by copy and paste.

    ## Example
    ```json
    {"accord.lint.ignore": {"AVRO_FIELD_MISSING_DOC": ""}}
    ```

    ## Use instead
    ```json
    {"accord.lint.ignore": {"AVRO_FIELD_MISSING_DOC": "mirrors the ERP column; see ERP docs"}}
    ```

    ## Fix
    Write the reason as the entry's value.
    """
    if s.rule is None or has_text(s.reason):
        return None
    return s.finding(
        f"suppression of {s.rule} gives no reason", fix="say why the rule does not apply here"
    )


@rule(
    "LINT_SUPPRESSION_UNUSED",
    on=Suppression,
    categories=("suppression",),
    severity=Severity.WARNING,
)
def lint_suppression_unused(s: Suppression) -> Finding | None:
    """In-schema suppressions silence something.

    ## What it does
    Reports a suppression entry of a rule that ran but found nothing at or below the node
    carrying the suppression.

    ## Why is this bad?
    Stale suppressions hide the next real finding at that place; the note also tells readers
    of a problem that is gone.

    ## Example
    ```json
    {"name": "note", "type": "string", "doc": "Free text.",
     "accord.lint.ignore": {"AVRO_FIELD_MISSING_DOC": "no doc yet"}}
    ```

    ## Use instead
    ```json
    {"name": "note", "type": "string", "doc": "Free text."}
    ```

    ## Fix
    Remove the entry.
    """
    if s.rule is None or s.used or not s.active:
        return None
    return s.finding(f"suppression of {s.rule} silences nothing here", fix="remove the entry")
