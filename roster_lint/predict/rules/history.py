"""When each --previous reason holds (SK-A6, SK-A7, SK-E2, SK-E4; a class no longer shared
is not documented).  The engine's history stage (predict/history/) finds the records and
reads each reason's action (its effect) and root cause from the registry."""

from __future__ import annotations

# A record the previous export shared (and the sync acted on) that is gone now.
GONE = {
    "user": "user-removed-not-deleted",
    "class": "class-removed-not-deleted",
    "enrollment": "enrollment-dropped-not-unenrolled",
}
# A user now at other schools; a student now in another class of the same course.
MOVED = {"user": "user-transfer", "enrollment": "enrollment-transfer"}
