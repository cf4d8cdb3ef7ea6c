"""Storage: the SQLAlchemy models, opening and migrating a database, full-text search."""
