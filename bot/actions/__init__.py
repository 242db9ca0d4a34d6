"""What a user can do to their library, for every front end (the chat handlers and the Mini App).

Each action is ``fn(session, who, ...)``: ``who`` is the resolved speaker and library
(bot/runtime/access.py), every service call is scoped by ``who.library_id`` (another library's book
id raises NotFound), and the result is a plain view. No Telegram here: a front end parses the
request, runs one action in one transaction, and renders what it returns.
"""
