"""Tests of the development scripts in scripts/ (the converters that make tables in resources/)."""
