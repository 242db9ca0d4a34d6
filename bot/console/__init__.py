"""The console chat (`make run` without a token) and its stand-ins: an in-process Bot API (fake_api)
and update builders (fake_updates), which the tests use too."""
