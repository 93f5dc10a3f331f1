"""Data files shipped with the book (see README.md)."""
