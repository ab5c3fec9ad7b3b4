"""The vocabulary and machinery every check, reporter and front end shares."""
