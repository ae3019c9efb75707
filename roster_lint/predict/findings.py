"""profile_findings: the plan, told as findings in the user's terms (RL3xx).

One finding per root cause (a school without an NCES ID, a file whose header breaks the
sync, a course to map...), plus per-row findings where the row is what the district must
fix (a class without a primary teacher, a user without an e-mail), plus one summary finding
for things that are merely worth knowing (administrators created as School Admin...).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from roster_lint.findings import Findings
from roster_lint.model import LINE, Export
from roster_lint.predict.inputs import read_inputs
from roster_lint.predict.model import Plan
from roster_lint.predict.profile import load_profile

if TYPE_CHECKING:
    from roster_lint.api import Options

# Reasons told once per root cause (the message names the cause and what it affects).
ROOT_RULES = {
    "school-missing-nces-id": "identifier",
    "school-not-in-orgs": "orgSourcedIds",
    "role-not-provisioned": "role",
    "course-not-mapped": "sourcedId",
    "new-course-needs-mapping": "sourcedId",
    "provisioning-mode": None,
    "user-removed-not-deleted": None,
    "enrollment-dropped-not-unenrolled": None,
    "class-removed-not-deleted": None,
    "user-tobedeleted": "status",
    "enrollment-role-not-enrolled": "role",
}
# Reasons told per row: (entity, column whose value is shown, message with {id} {value}).
ROW_RULES: dict[str, tuple[str, str | None, str]] = {
    "class-without-primary-teacher": (
        "class",
        None,
        "class {id} has no primary teacher (role teacher, primary true): it will not be created",
    ),
    "class-course-missing": (
        "class",
        "courseSourcedId",
        "class {id} points at course {value}, which is not in courses.csv: it will not be created",
    ),
    "mixed-grade-class": (
        "class",
        None,
        "class {id} has students of several grades: Summit K12 creates one class per grade",
    ),
    "district-admin-needs-request": (
        "user",
        None,
        "administrator {id} is district-level: created as School Admin, District Admin needs a "
        "request to support",
    ),
    "user-missing-email": (
        "user",
        "email",
        "user {id} gets an account but has no e-mail, so cannot sign in with SSO",
    ),
    "password-too-short": (
        "user",
        "password",
        "user {id} has a password shorter than 4 characters",
    ),
    "enabled-user-unrecognised": (
        "user",
        "enabledUser",
        "enabledUser {value!r} of user {id} aborted the users load in the vendor's older engine",
    ),
    "user-multiple-schools": (
        "user",
        "orgSourcedIds",
        "user {id} has several schools ({value}): the vendor's older engine skipped such users",
    ),
    "user-without-school": (
        "user",
        "orgSourcedIds",
        "user {id} has no school: the vendor's older engine aborted the whole load",
    ),
    "school-nces-outside-district": (
        "school",
        "identifier",
        "school {id}'s NCES ID {value} does not start with its district's NCES ID "
        "(the vendor's older engine rejected it)",
    ),
    "enrollment-user-missing": (
        "enrollment",
        "userSourcedId",
        "enrollment {id} points at user {value}, who is not in users.csv: not enrolled",
    ),
    "enrollment-class-missing": (
        "enrollment",
        "classSourcedId",
        "enrollment {id} points at class {value}, which is not in classes.csv: not enrolled",
    ),
}
# Reasons told once, with a count, at the first row that has them.
SUMMARY_RULES = {
    "admin-created-as-school-admin": "{n} administrators will be created as School Admin",
    "course-mapping-unverified": "{n} courses: mapping unverified (use --course-map or --previous)",
    "enrollment-tobedeleted": "{n} enrollments shared as tobedeleted will be unenrolled",
    "user-transfer": "{n} users will be transferred to another school",
    "enrollment-transfer": "{n} students will be moved to another class of the same course",
    "user-disabled": "{n} users have enabledUser false: the vendor's older engine never created "
    "them; predicted as created",
    "grade-format-inconsistent": "{n} users have grades without a leading zero (e.g. 5 for 05): "
    "the vendor's older engine treated them as different grades",
    "grade-without-content": "{n} users or classes have a grade without Summit K12 content "
    "(KG-12 only)",
}
ZIP_NAME = re.compile(r"^[A-Za-z0-9]+\.zip$", re.IGNORECASE)


def _message(template: str) -> pl.Expr:
    """'user {id} has {value!r}' -> a concat_str over the id and value columns."""
    parts: list[pl.Expr] = []
    for token in re.split(r"(\{id\}|\{value\}|\{value!r\})", template):
        if token == "{id}":
            parts.append(pl.col("sourced_id").fill_null(""))
        elif token == "{value}":
            parts.append(pl.col("value").fill_null(""))
        elif token == "{value!r}":
            parts.append(pl.lit("'") + pl.col("value").fill_null("") + pl.lit("'"))
        elif token:
            parts.append(pl.lit(token))
    return pl.concat_str(parts)


def _values(export: Export, rows: pl.DataFrame, column: str | None) -> pl.DataFrame:
    """Attach the cell the finding is about, read from the table at the row's line."""
    if column is None or rows.height == 0:
        return rows.with_columns(pl.lit(None, pl.String()).alias("value"))
    parts = []
    for file, group in rows.group_by("file", maintain_order=True):
        t = next((t for t in export.tables.values() if t.path == file[0]), None)
        if t is None or not t.has(column):
            parts.append(group.with_columns(pl.lit(None, pl.String()).alias("value")))
            continue
        cells = t.df.select(pl.col(LINE).alias("line"), pl.col(column).alias("value"))
        parts.append(group.join(cells, on="line", how="left", maintain_order="left"))
    return pl.concat(parts)


def profile_findings(plan: Plan, export: Export, opts: Options, out: Findings) -> None:
    profile = load_profile()
    actions = plan.actions
    inp = read_inputs(export, plan.mode, profile)
    for name, state in sorted(inp.state.items()):
        if state == "broken":
            t = export.tables.get(name)
            n = t.rows if t is not None else 0
            out.one(
                "header-breaks-sync",
                f"{inp.paths[name]} has a header the sync cannot read: its {n} rows are not "
                "processed",
                file=inp.paths[name],
                line=1,
            )
    for cause in plan.root_causes:
        if cause.reason in ROOT_RULES and cause.entity != "file":
            out.one(
                cause.reason,
                cause.message,
                file=cause.file,
                line=cause.line,
                column=ROOT_RULES[cause.reason] if cause.line else None,
                sourced_id=None if cause.id == "*" else cause.id,
                value=cause.id if cause.entity in ("school", "role", "course") else None,
            )
    tagged = actions.select("entity", "id", "reasons", "file", "line").explode("reasons")
    for rule, (entity, column, template) in ROW_RULES.items():
        rows = tagged.filter(
            (pl.col("entity") == entity)
            & (pl.col("reasons") == rule)
            & pl.col("line").is_not_null()
        ).select("file", "line", pl.col("id").alias("sourced_id"))
        if rule.startswith("enrollment-") and inp.state.get(
            "users.csv" if "user" in rule else "classes.csv"
        ) in ("missing", "broken"):
            continue  # the missing or broken file is the one cause, told above
        rows = _values(export, rows, column).with_columns(_message(template).alias("message"))
        if rule == "password-too-short":  # never repeat a password in a report
            rows = rows.with_columns(pl.lit(None, pl.String()).alias("value"))
        out.add(rule, rows.with_columns(pl.lit(column).alias("column")))
    counts = tagged.group_by("reasons").agg(
        pl.len().alias("n"), pl.col("file").first(), pl.col("line").first()
    )
    for reason, n, file, line in counts.sort("reasons").iter_rows():
        if reason in SUMMARY_RULES:
            out.one(reason, SUMMARY_RULES[reason].format(n=n), file=file, line=line)
    if export.kind == "zip":
        name = Path(export.path).name
        if not ZIP_NAME.match(name):
            out.one(
                "zip-name-not-accepted",
                f"zip name {name!r} has underscores or other special characters: Summit K12 "
                "does not accept it",
                value=name,
            )
