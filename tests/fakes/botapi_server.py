"""The fake Bot API server lives in bench/fake_botapi.py (the benchmarks use it too); tests import it here."""

from bench.fake_botapi import BOT_USER, TOKEN, Call, FakeBotApi, percentiles

__all__ = ["BOT_USER", "TOKEN", "Call", "FakeBotApi", "percentiles"]
