"""`why`'s step details as plain sentences: what the data says, with file:line.

The facts are the step's `data` (predict/why.py gathers them from the plan and the
entity's rows); this module only words them.  Values from the export are quoted ('103'),
so stray whitespace is visible and --redact can tell an id from the tool's own words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from roster_lint.words import cut_off

Data = dict[str, Any]


def q(value: Any) -> str:
    if isinstance(value, list | tuple):
        return _list([q(v) for v in value])
    if isinstance(value, dict):
        return ", ".join(f"{k} {q(v)}" for k, v in value.items()) or "none"
    return repr(value) if isinstance(value, str) else "none" if value is None else str(value)


def _at(file: str | None, line: int | None) -> str:
    return f"{file}:{line}" if file is not None and line is not None else (file or "")


def _list(items: list[str]) -> str:
    return ", ".join(items) if items else "none"


def _state(name: str, state: str | None, d: Data) -> str:
    """'users.csv is read', or why not; and where it was cut off (`cut_off` in `d`)."""
    if state is None:
        return f"{name} is not part of this export"
    cut = d.get("cut_off", {}).get(name)
    if cut is not None:
        return cut_off(name, cut) if state == "ok" else f"{name} is {state}; {cut_off(name, cut)}"
    return f"{name} is read" if state == "ok" else f"{name} is {state}"


def _where(kind: str, found: Data, file: str) -> str:
    """'course '3084' is at courses.csv:86' or '... is not in courses.csv (did you mean ...)'."""
    if found.get("file") is None:
        near = found.get("did_you_mean")
        hint = f" (did you mean {_list([q(n) for n in near])}?)" if near else ""
        return f"{kind} {q(found['id'])} is not in {file}{hint}"
    return f"{kind} {q(found['id'])} is at {_at(found['file'], found['line'])}"


def _nces(school: Data, sources: list[str]) -> str:
    """'school '103' Oakridge Middle School (orgs.csv:5) has no NCES ID: identifier is
    empty, no national_id column'."""
    name = f" {school['name']}" if school.get("name") else ""
    head = f"school {q(school['id'])}{name}"
    if school.get("file") is None:
        return _where("school", school, "orgs.csv")
    head += f" ({_at(school['file'], school['line'])})"
    return f"{head} {_nces_facts(school, sources)}"


def _nces_facts(school: Data, sources: list[str]) -> str:
    """'has NCES ID '0600...'' or 'has no NCES ID: identifier is empty, no ... column'."""
    if school.get("nces_id"):
        return f"has NCES ID {q(school['nces_id'])}"
    looked = [
        f"{src} is empty" if school[src] == "" else f"{src} is {q(school[src])}, not an NCES ID"
        for src in sources
        if src in school
    ]
    absent = school.get("absent_columns") or []
    if absent:
        looked.append(f"no {' or '.join(absent)} column")
    return f"has no NCES ID: {', '.join(looked) or 'nothing to read it from'}"


def _course(d: Data) -> str:
    """How SK-C2 was decided: 'course '3084' is not verified as mapped: neither ...'."""
    course, action, how = q(d["course"]), d["course_action"], str(d["decided_by"])
    verb = {
        "mapped": "is mapped",
        "needs-mapping": "needs mapping",
        "unverified": "is not verified as mapped",
    }.get(action, "is not decided")
    how = how.split(": ", 1)[1] if how.startswith(("unverified: ", "not decided: ")) else how
    return f"course {course} {verb}: {how}"


def _teachers(d: Data) -> str:
    if not d["teachers"]:
        return "no enrollment of the class has the teacher role"
    parts = []
    for t in d["teachers"]:
        primary = "as primary" if str(t["primary"]).lower() == "true" else "not as primary"
        s = f"user {q(t['user'])} teaches it {primary} (primary {q(t['primary'])}"
        s += f", enrollment {q(t['enrollment'])} at {_at(t.get('file'), t['line'])})"
        if t["status"]:
            s += f", status {q(t['status'])}"
        if not t["user_in_users_csv"]:
            s += ", not in users.csv"
        parts.append(s)
    return "; ".join(parts)


def _grades(counts: Any) -> str:
    if not counts:
        return "no students"
    if isinstance(counts, dict):
        return ", ".join(f"{n} in grade {g}" for g, n in counts.items())
    return q(counts)


def _action(kind: str, ident: Any, d: Data) -> str:
    if d.get("action") is None:
        return f"{kind} {q(ident)} is not in the plan"
    reasons = d.get("reasons") or []
    why = f" ({', '.join(reasons)})" if reasons else ""
    return f"{kind} {q(ident)}: {d['action']}{why}"


def _previous(d: Data, key: str = "previous") -> str:
    if key == "previous_given":
        return "--previous was given" if d[key] else "--previous was not given"
    return f"--previous is {q(d[key])}" if d.get(key) else "--previous was not given"


def _user(step: str, d: Data, sources: list[str]) -> str:
    if step in ("in the Users file", "still shared") and d.get("in_users_csv") is False:
        prev = d["previous_account"]
        if prev.get("summit_role") is None:
            return "the user is not in users.csv"
        schools = _list([q(s) for s in prev.get("schools") or []])
        return (
            f"the user is not in users.csv; the previous export gave them a "
            f"{prev['summit_role']} account at school {schools}"
        )
    if step == "in the Users file":
        return (
            f"user found by {d['found_by']} at {_at(d['file'], d['line'])} (username "
            f"{q(d['username'])}, e-mail {q(d['email'])}); "
            + _state("users.csv", d["file_state"], d)
        )
    if step == "role gets an account":
        src = f" (read from {d['from']})" if "from" in d else ""
        if d["summit_role"] is None:
            return (
                f"role {q(d['role'])}{src} gets no Summit K12 account (only "
                f"{_list(d['roles_with_accounts'])} do)"
            )
        return f"role {q(d['role'])}{src} gets a {d['summit_role']} account ({d['filter']})"
    if step == "status":
        return f"status is {q(d['status'])}" if d["status"] else "status is empty"
    if step == "school in the Orgs file":
        if not d["schools"]:
            return f"the user lists no school; {_state('orgs.csv', d['orgs_file_state'], d)}"
        return "; ".join(_where("school", s, "orgs.csv") for s in d["schools"])
    if step == "school has an NCES ID":
        if not d["schools"]:
            return "none of the user's schools is in orgs.csv"
        return "; ".join(_nces(s, sources) for s in d["schools"])
    if step == "still shared":
        s = f"the user is in users.csv; {_previous(d, 'previous_given')}"
        if "from" in d:
            s += f"; moves from {q(d['from'])} to {q(d.get('to'))}"
        return s
    if step == "can sign in (e-mail)":
        if "warning" in d:
            return f"e-mail is empty: {d['warning'].split(': ', 1)[1]}"
        return f"e-mail is {q(d['email'])}"
    return ""


def _class(step: str, d: Data, sources: list[str]) -> str:
    if step == "mode creates classes":
        does = "creates" if d["creates_classes"] else "does not create"
        return f"mode {q(d['mode'])} {does} classes"
    if step == "file processed":
        return "; ".join(_state(f, s, d) for f, s in d.items() if f != "cut_off")
    if step == "still shared":
        if not d["in_classes_csv"]:
            return f"the class is no longer in classes.csv; {_previous(d)}"
        return f"the class is in classes.csv; {_previous(d, 'previous_given')}"
    if step == "course in the Courses file":
        return _where("course", d["course"], "courses.csv")
    if step == "course mapped, not new":
        return _course(d)
    if step == "primary teacher":
        return _teachers(d)
    if step == "school not skipped":
        school = d["school"]
        action = school.get("school_action")
        verb = "is skipped" if action == "skip" else "syncs" if action else "is not in the plan"
        return f"{_nces(school, sources)}; the school {verb}"
    if step == "one grade (no split)":
        grades = f"grade {q(d['class_grades'])}" if d["class_grades"] else "no grade"
        return f"the class lists {grades}; its students: {_grades(d['students'])}"
    return ""


def _enrollment(step: str, d: Data, unenroll_status: str) -> str:
    if step == "mode enrolls":
        does = "enrolls" if d["enrolls"] else "does not enroll"
        return f"mode {q(d['mode'])} {does}"
    if step == "record in the Enrollment file":
        if d.get("in_enrollments_csv") is False:
            return (
                f"user {q(d['user'])} in class {q(d['class'])} is no longer in "
                f"enrollments.csv ({_previous(d)}); a dropped record is not unenrolled: to "
                f"unenroll, share the record with status {unenroll_status}"
            )
        return (
            f"user {q(d['user'])} in class {q(d['class'])} as {q(d['role'])} at "
            f"{_at(d['file'], d['line'])}; {_state('enrollments.csv', d['file_state'], d)}"
        )
    if step == "class in the Classes file":
        return _where("class", d["class"], "classes.csv")
    if step == "user in the Users file":
        return _where("user", d["user"], "users.csv")
    if step == "class created":
        return _action("class", d["class"], d)
    if step == "user gets an account":
        return _action("user", d["user"], d)
    if step == "grade class after a split":
        if d["grade_class"] is None:
            return "the class is not split"
        moved = f" (moved from class {q(d['moved_from_class'])})" if "moved_from_class" in d else ""
        return f"enrolled in grade class {q(d['grade_class'])}{moved}"
    if step == "role is enrolled":
        roles = _list([q(r) for r in d["enrolled_roles"]])
        return f"role {q(d['role'])}; the sync enrolls {roles}"
    if step == "status":
        return f"status is {q(d['status'])}" if d["status"] else "status is empty"
    return ""


def _school(step: str, d: Data, sources: list[str]) -> str:
    if step == "in the Orgs file":
        if d.get("file") is None:
            return f"school {q(d['id'])} is not in orgs.csv"
        name = f" {d['name']}" if d.get("name") else ""
        return (
            f"school {q(d['id'])}{name} ({q(d['type'])}) is at {_at(d['file'], d['line'])}; "
            f"{_state('orgs.csv', d['file_state'], d)}"
        )
    return f"the school {_nces_facts(d, sources)}"


def _course_step(step: str, d: Data) -> str:
    if step == "mode reads courses":
        return f"mode {q(d['mode'])}; {_state('courses.csv', d['file_state'], d)}"
    return _course(d)


def _decision(d: Data) -> str:
    where = _at(d.get("file"), d.get("line"))
    s = f"{d['action']}" + (f" ({where})" if where else "")
    rest = {k: v for k, v in d.items() if k not in ("action", "file", "line")}
    if rest:
        s += "; the plan records " + ", ".join(
            f"{k.replace('_', ' ')} {q(v)}" for k, v in rest.items()
        )
    return s


def sentence(
    kind: str, step: str, failed: list[str], data: Data, sources: list[str], unenroll: str
) -> str:
    """One step's detail: what the data says, then the reasons that fail it."""
    words: dict[str, Callable[[], str]] = {
        "user": lambda: _user(step, data, sources),
        "class": lambda: _class(step, data, sources),
        "enrollment": lambda: _enrollment(step, data, unenroll),
        "school": lambda: _school(step, data, sources),
        "course": lambda: _course_step(step, data),
    }
    if step == "decision":
        text = _decision(data)
    elif step == "other reasons":
        text = f"also noted, not blocking: {_list(data['reasons'])}"
    elif not data:
        text = f"not judged: the {kind}'s own row is not in the export"
    else:
        text = words[kind]()
    for nd, reason in (data.get("set_aside") or {}).items():
        text += (
            f"; reason {reason} holds but is set aside: not documented, the profile's choice "
            f"{nd} keeps the existing {kind}"
        )
    return f"{text}; reason {', '.join(failed)}" if failed else text
