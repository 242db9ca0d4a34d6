"""List screens built in one read transaction and shown (sent, or edited in place): browse (authors,
series, shelves, reading lists, loans) and search results. Handlers and the text router call them."""
