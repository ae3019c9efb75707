"""Word lists for synthetic people and places.

Common given and family names make the files look like a real district's, while the
`.example` e-mail domain (reserved by RFC 2606) and the invented district names make it
plain that nobody in them is real.
"""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    """A word list written as text ("-" joins a two-word place name)."""
    return tuple(text.split())


GIVEN = _words(
    "Aaliyah Aaron Abigail Adam Adrian Aiden Alexander Alexis Alice Amelia Andrew Angel "
    "Anna Anthony Aria Ariana Asher Aubrey Audrey Aurora Austin Ava Avery Benjamin Brandon "
    "Brayden Brooklyn Caleb Cameron Camila Carlos Caroline Carter Charlotte Chloe Christian "
    "Claire Cora Daniel David Dylan Easton Eleanor Elena Eli Elijah Elizabeth Ella Ellie "
    "Emily Emma Ethan Evelyn Ezra Gabriel Genesis Grace Hailey Hannah Harper Hazel Henry "
    "Hudson Hunter Ian Isaac Isabella Isaiah Jack Jackson Jacob James Jasmine Jaxon Jayden "
    "Jordan Jose Joseph Joshua Josiah Julia Julian Kai Kaylee Kennedy Layla Leah Leo Levi "
    "Liam Lillian Lily Logan Lucas Lucy Luis Luke Madelyn Madison Maria Mason Mateo Maya "
    "Mia Michael Mila Naomi Natalie Nathan Nevaeh Noah Nora Oliver Olivia Owen Paisley "
    "Penelope Riley Ryan Samantha Samuel Santiago Sarah Savannah Scarlett Sebastian Sofia "
    "Sophia Stella Theodore Thomas Valentina Victoria Violet William Wyatt Xavier Zoe"
)

FAMILY = _words(
    "Adams Alexander Allen Alvarez Anderson Bailey Baker Barnes Bell Bennett Brooks Brown "
    "Butler Campbell Carter Castillo Chavez Clark Collins Cook Cooper Cox Cruz Davis Diaz "
    "Edwards Evans Fisher Flores Foster Garcia Gomez Gonzalez Gray Green Gutierrez Hall "
    "Harris Hernandez Hill Howard Hughes Jackson James Jenkins Jimenez Johnson Jones Kelly "
    "Kim King Lee Lewis Long Lopez Martin Martinez Mendoza Miller Mitchell Moore Morales "
    "Morgan Morris Murphy Myers Nelson Nguyen Ortiz Parker Patel Perez Peterson Phillips "
    "Powell Price Ramirez Ramos Reed Reyes Richardson Rivera Roberts Robinson Rodriguez "
    "Rogers Ross Ruiz Sanchez Sanders Scott Smith Stewart Sullivan Taylor Thomas Thompson "
    "Torres Turner Walker Ward Watson White Williams Wilson Wood Wright Young"
)

# Place words for schools ("Birchwood Elementary School") and the district.
PLACES = _words(
    "Alder Aspen Birchwood Bluff Briar Brookside Canyon Cedar Clearwater Cloverdale Copper "
    "Creekside Crestview Cypress Deer-Run Eagle-Ridge Elmwood Fairview Fernhill Foxglove "
    "Glenwood Granite Harbor Hawthorne Heron Hillcrest Holly Juniper Lakeview Laurel Linden "
    "Magnolia Maple Meadowbrook Mesa Mill-Creek Northgate Oakridge Orchard Parkside Pine-Hollow "
    " Prairie Quarry Ravenwood Redwood Ridgeview Riverbend Rosewood Sagebrush Sequoia "
    "Silver-Lake Skyline Spruce Stonebridge Summit Sunnyside Sycamore Thornton Timber "
    "Valley-View Westbrook Willow Windmill"
)

DISTRICTS = (
    "Cedar Hollow",
    "Maple Valley",
    "North Fork",
    "Silver Creek",
    "Stone River",
    "Willow Bend",
)

STREETS = ("Main Street", "Oak Avenue", "School Road", "Park Drive", "Elm Street", "Hill Road")


def place(i: int) -> str:
    """The i-th place name; past the list, numbered ("Cedar 2")."""
    base = PLACES[i % len(PLACES)].replace("-", " ")
    return base if i < len(PLACES) else f"{base} {i // len(PLACES) + 1}"
