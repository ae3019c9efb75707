"""Checks for typed columns: enumerations, status, dates, years, grades, userIds, e-mail."""

from __future__ import annotations

import polars as pl

from roster_lint.validate.schema import tokens as T
from roster_lint.validate.schema.checks import CheckDef, ExprFn, _esc, msg, q

EXT = r"^ext:[^\s,]+$"  # OneRoster 1.2 extension token (§2, §8)


def enum_checks(
    col: str, tokens: tuple[str, ...], *, ext: bool, verify: bool, label: str = "enumeration"
) -> list[CheckDef]:
    """Exact tokens; case variants apart (they say what was meant); `ext:` where allowed."""
    toks = list(tokens)
    lowered = [t.lower() for t in tokens]
    allowed = ", ".join(tokens) + (", or ext:<name>" if ext else "")

    def valid(c: pl.Expr) -> pl.Expr:
        ok = c.is_in(toks) | T.blank(c)
        return ok | c.str.contains(EXT) if ext else ok

    def case_variant(c: pl.Expr) -> pl.Expr:
        return ~valid(c) & c.str.to_lowercase().is_in(lowered)

    def unknown(c: pl.Expr) -> pl.Expr:
        other = ~valid(c) & ~c.str.to_lowercase().is_in(lowered)
        return other & ~(c == "inactive") if col == "status" else other

    screen: ExprFn = lambda c: ~c.is_in([*toks, ""])  # noqa: E731
    # [verify] enumerations (§8.3, §5.8) are warnings: the list itself is unconfirmed.
    unknown_rule = "RL104" if verify else "RL102"
    case_rule = "RL105" if verify else "RL103"
    return [
        CheckDef(
            f"{col}:case",
            case_rule,
            case_variant,
            lambda v: msg(
                f"{col} ",
                q(v),
                " should be ",
                q(T.case_meant(v, tokens)),
                f": {label} values are case-sensitive.",
            ),
            screen,
        ),
        CheckDef(
            f"{col}:enum",
            unknown_rule,
            unknown,
            lambda v: (
                pl.when(T.case_meant(v.str.strip_chars(), tokens).is_not_null())
                .then(
                    msg(
                        f"{col} ",
                        _esc(v),
                        " has stray spaces; meant ",
                        q(T.case_meant(v.str.strip_chars(), tokens)),
                        ".",
                    )
                )
                .otherwise(msg(f"{col} ", q(v), f" is not one of {allowed}."))
            ),
            screen,
        ),
    ]


def status_checks(col: str, mode: str | None, verify: bool) -> list[CheckDef]:
    """§4: active | tobedeleted; `inactive` is a 1.0 leftover; bulk and delta rules."""
    out = enum_checks(col, ("active", "tobedeleted"), ext=False, verify=verify, label="status")
    out.append(
        CheckDef(
            f"{col}:inactive",
            "RL110",
            lambda c: c == "inactive",
            lambda v: pl.lit(
                "status `inactive` is a OneRoster 1.0 value; 1.1 and 1.2 use `active` or "
                "`tobedeleted`."
            ),
        )
    )
    if mode == "bulk":
        tbd: ExprFn = lambda c: c.str.to_lowercase() == "tobedeleted"  # noqa: E731
        out += [
            CheckDef(
                f"{col}:bulk-set",
                "RL111",
                lambda c: T.not_blank(c) & ~tbd(c),
                lambda v: msg(
                    "status ",
                    q(v),
                    " is set in a bulk file; bulk files leave status blank (every row is current).",
                ),
            ),
            CheckDef(
                f"{col}:bulk-tobedeleted",
                "RL112",
                tbd,
                lambda v: msg(
                    "status ",
                    q(v),
                    " in a bulk file: a bulk file is the complete current "
                    "set, so drop the row instead of marking it for deletion.",
                ),
            ),
        ]
    elif mode == "delta":
        out.append(
            CheckDef(
                f"{col}:delta-blank",
                "RL113",
                T.blank,
                lambda v: pl.lit(
                    "status is blank in a delta file; every delta row needs "
                    "`active` or `tobedeleted`."
                ),
            )
        )
    return out


def datetime_checks(col: str, mode: str | None, verify: bool) -> list[CheckDef]:
    rule = "RL105" if verify else "RL121"

    def why(v: pl.Expr) -> pl.Expr:
        return (
            pl.when(v.str.contains(f"^{T.DATE_RE}$"))
            .then(pl.lit(" is a date without a time and zone"))
            .when(v.str.contains(f"^{T.DATE_RE} {T.TIME_RE}"))
            .then(pl.lit(" has a space instead of `T`"))
            .when(v.str.contains(f"^{T.DATE_RE}T{T.TIME_RE}$"))
            .then(pl.lit(" has no time zone"))
            .otherwise(pl.lit(" is not an ISO 8601 date-time"))
        )

    out = [
        CheckDef(
            f"{col}:datetime",
            rule,
            lambda c: T.not_blank(c) & ~c.str.contains(T.DATETIME_FULL),
            lambda v: msg(f"{col} ", q(v), why(v), "; write e.g. `2019-03-01T18:14:45.000Z`."),
        )
    ]
    if mode == "delta":
        out.append(
            CheckDef(
                f"{col}:delta-blank",
                "RL114",
                T.blank,
                lambda v: pl.lit(
                    f"{col} is blank in a delta file; every delta row says when it changed."
                ),
            )
        )
    return out


def date_check(col: str, verify: bool) -> CheckDef:
    return CheckDef(
        f"{col}:date",
        "RL105" if verify else "RL120",
        lambda c: T.not_blank(c) & ~c.str.contains(T.DATE_FULL),
        lambda v: msg(f"{col} ", q(v), " is not a YYYY-MM-DD date."),
    )


def year_check(col: str, verify: bool) -> CheckDef:
    return CheckDef(
        f"{col}:year",
        "RL105" if verify else "RL122",
        lambda c: T.not_blank(c) & ~c.str.contains(T.YEAR_FULL),
        lambda v: msg(f"{col} ", q(v), " is not a four-digit year (YYYY)."),
    )


def float_check(col: str) -> CheckDef:
    # Floats only occur in the gradebook files, whose columns are [verify]: a warning.
    return CheckDef(
        f"{col}:float",
        "RL105",
        lambda c: T.not_blank(c) & ~c.str.contains(T.FLOAT_FULL),
        lambda v: msg(f"{col} ", q(v), " is not a decimal number."),
    )


def userids_screen(c: pl.Expr) -> pl.Expr:
    """Values that are not a list of {type:identifier} pairs as they stand (a superset of
    `userids_check`: spaces around commas are forgiven there)."""
    return ~c.str.contains(T.USERIDS_FULL)


def userids_check(col: str, verify: bool) -> CheckDef:
    norm: ExprFn = lambda c: c.str.replace_all(r"\s*,\s*", ",")  # noqa: E731 (spaces: RL152)
    return CheckDef(
        f"{col}:userids",
        "RL105" if verify else "RL160",
        lambda c: T.not_blank(c) & ~norm(c).str.contains(T.USERIDS_FULL),
        lambda v: msg(
            f"{col} ",
            q(v),
            " is not a list of {type:identifier} pairs, e.g. `{LDAP:12}` or `{LDAP:12},{LTI:15}`.",
        ),
        userids_screen,
    )


def email_check(col: str) -> CheckDef:
    return CheckDef(
        f"{col}:email",
        "RL161",
        lambda c: T.not_blank(c) & ~c.str.contains(T.EMAIL_PADDED),
        lambda v: msg(f"{col} ", q(v), " is not a valid e-mail address."),
    )


def password_check(col: str) -> CheckDef:
    return CheckDef(
        f"{col}:present",
        "RL162",
        T.not_blank,
        lambda v: pl.lit(f"{col} values are present"),
        summary=True,
    )
