"""The district's shape: school bands, their seven-period schedules and their courses.

Elementary schools are homeroom-style (one teacher takes a section through the core
subjects, specialists take art and PE); middle and high schools are subject-taught, with
electives in the last two periods.  Course codes are SCED-like: a 2-digit subject area and
a 3-digit course number, so high-school codes keep their leading zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

GRADES = ("KG", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12")
Grouping = Literal["section", "elective"]
Teaching = Literal["homeroom", "specialist", "subject"]


@dataclass(frozen=True)
class CourseKind:
    subject: str
    titles: tuple[str, ...]  # one per grade of the band, or one with "{g}" in it
    codes: tuple[str, ...]  # likewise; "{gg}" becomes the two-digit grade number

    def title_code(self, grade: int, first_grade: int) -> tuple[str, str]:
        i = grade - first_grade
        title = self.titles[i] if len(self.titles) > 1 else self.titles[0]
        code = self.codes[i] if len(self.codes) > 1 else self.codes[0]
        g = "K" if grade == 0 else str(grade)
        return title.replace("{g}", g), code.replace("{gg}", f"{grade:02d}")


@dataclass(frozen=True)
class Period:
    kinds: tuple[CourseKind, ...]  # electives: group i takes kinds[i % len(kinds)]
    grouping: Grouping
    teaching: Teaching
    homeroom: bool = False


@dataclass(frozen=True)
class Band:
    key: str
    suffix: str
    grades: tuple[int, ...]  # indices into GRADES
    school_size: int  # typical students per school
    periods: tuple[Period, ...]
    teacher_load: int  # classes per subject teacher (specialists take more)


def _k(subject: str, titles: str | tuple[str, ...], codes: str | tuple[str, ...]) -> CourseKind:
    t = (titles,) if isinstance(titles, str) else titles
    c = (codes,) if isinstance(codes, str) else codes
    return CourseKind(subject, t, c)


ELEMENTARY = Band(
    "elementary",
    "Elementary School",
    (0, 1, 2, 3, 4, 5),
    450,
    (
        Period((_k("Homeroom", "Homeroom {g}", "72{gg}0"),), "section", "homeroom", True),
        Period((_k("English Language Arts", "ELA {g}", "510{gg}"),), "section", "homeroom"),
        Period((_k("Mathematics", "Math {g}", "520{gg}"),), "section", "homeroom"),
        Period((_k("Science", "Science {g}", "530{gg}"),), "section", "homeroom"),
        Period((_k("Social Studies", "Social Studies {g}", "540{gg}"),), "section", "homeroom"),
        Period((_k("Fine Arts", "Art {g}", "550{gg}"),), "section", "specialist"),
        Period((_k("Physical Education", "PE {g}", "580{gg}"),), "section", "specialist"),
    ),
    25,
)

MIDDLE = Band(
    "middle",
    "Middle School",
    (6, 7, 8),
    750,
    (
        Period((_k("English Language Arts", "ELA {g}", "510{gg}"),), "section", "subject"),
        Period((_k("Mathematics", "Math {g}", "520{gg}"),), "section", "subject"),
        Period((_k("Science", "Science {g}", "530{gg}"),), "section", "subject"),
        Period((_k("Social Studies", "Social Studies {g}", "540{gg}"),), "section", "subject"),
        Period((_k("Physical Education", "PE {g}", "580{gg}"),), "section", "subject"),
        Period((_k("World Languages", "Spanish {g}", "561{gg}"),), "elective", "subject"),
        Period(
            (
                _k("Fine Arts", "Art {g}", "550{gg}"),
                _k("Fine Arts", "Music {g}", "551{gg}"),
                _k("Technology", "Technology {g}", "600{gg}"),
            ),
            "elective",
            "subject",
        ),
    ),
    5,
)

HIGH = Band(
    "high",
    "High School",
    (9, 10, 11, 12),
    1500,
    (
        Period(
            (
                _k(
                    "English Language and Literature",
                    "English {g}",
                    ("01001", "01002", "01003", "01004"),
                ),
            ),
            "section",
            "subject",
        ),
        Period(
            (
                _k(
                    "Mathematics",
                    ("Algebra I", "Geometry", "Algebra II", "Precalculus"),
                    ("02052", "02072", "02056", "02110"),
                ),
            ),
            "section",
            "subject",
        ),
        Period(
            (
                _k(
                    "Life and Physical Sciences",
                    ("Biology", "Chemistry", "Physics", "Environmental Science"),
                    ("03051", "03101", "03151", "03003"),
                ),
            ),
            "section",
            "subject",
        ),
        Period(
            (
                _k(
                    "Social Sciences and History",
                    ("World History", "World Geography", "U.S. History", "U.S. Government"),
                    ("04051", "04001", "04101", "04151"),
                ),
            ),
            "section",
            "subject",
        ),
        Period(
            (_k("Physical Education", "Physical Education {g}", "08001"),), "section", "subject"
        ),
        Period(
            (
                _k(
                    "World Languages",
                    ("Spanish I", "Spanish II", "Spanish III", "Spanish IV"),
                    ("06101", "06102", "06103", "06104"),
                ),
            ),
            "elective",
            "subject",
        ),
        Period(
            (
                _k("Fine Arts", "Studio Art {g}", "05154"),
                _k("Fine Arts", "Concert Band {g}", "05101"),
                _k("Computer and Information Sciences", "Computer Science {g}", "10011"),
                _k("Communication and Audio/Visual Technology", "Journalism {g}", "11101"),
            ),
            "elective",
            "subject",
        ),
    ),
    5,
)

BANDS = (ELEMENTARY, MIDDLE, HIGH)
SPECIALIST_LOAD = 25  # classes per art/PE specialist in an elementary school
SUPPORT_LOAD = 10  # co-taught classes per support (co-)teacher
CO_TEACHING_BP = 600  # basis points of scheduled classes with a co-teacher


def band_of(grade: int) -> Band:
    return next(b for b in BANDS if grade in b.grades)
