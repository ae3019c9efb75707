"""roster-lint: check OneRoster exports and predict what a Summit K12 sync will do."""

__version__ = "0.1.0"
