"""Cross-cutting pieces below every app: errors, request metadata, input parsing, spreadsheets.

Imports Django only, never an app of this project."""
