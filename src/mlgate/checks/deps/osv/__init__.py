"""OSV advisories: records, parsing, the offline database, ranges and severity."""
