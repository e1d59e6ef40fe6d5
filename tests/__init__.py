"""The test suite: its folders are those of studio/; data/ holds test data."""
