"""The Mini App: a second front end beside the chat (a web page that opens inside Telegram).

auth (initData checked with the bot token, the user taken only from it), api (what each endpoint does,
on a session, through the same actions as the chat: bot/actions), server (the tornado routes, the
Content-Security-Policy, signed cover links), static/ (the page itself, plain HTML/CSS/JS, and the
vendored ZXing reader for the live scanner).
"""
