"""Rendering for the chat (HTML-escaped text and keyboards): render (escaping, stars), cards (a book's
card), lists (paged list screens), keyboards, holdings (how the library's copy reads in an answer)."""
