"""What `python -m bot` holds in memory before its first update: none of the heavy libraries that only
some updates need (a photo, a chart, a Japanese title, a time said in words). Each of them is loaded
by the first update that needs it; bringing one back into start-up costs every bot its megabytes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT

# module -> the update that loads it (resident MB it adds, measured as in bench/README.md)
LOADED_ON_DEMAND = {
    "numpy": "never: charts and barcode photos are done in the worker process (librium/offload.py)",
    "PIL": "never (the worker process)",
    "zxingcpp": "never (the worker process)",
    "matplotlib": "never (the worker process)",
    "pykakasi": "the first Japanese word read",
    "dateparser": "the first time said in words in another language than English",
    "alembic": "the migration commands only, never the worker (~10 MB; its start-up check reads the files)",
}

# `python -m bot` exactly, with the polling loop (the network) replaced by a report of what is loaded.
PROBE = """
import json, sys
from telegram.ext import Application

def report(self, *args, **kwargs):
    print(json.dumps(sorted(sys.modules)))

Application.run_polling = report
from bot.__main__ import main
sys.exit(main())
"""


def modules_after_start_up(database_url: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_URL", "WEBHOOK_"))}
    env.update(DATABASE_URL=database_url, TELEGRAM_BOT_TOKEN="123456:TEST-token", METADATA_LOOKUPS="off")
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_start_up_loads_no_heavy_library(migrated_url):
    modules = modules_after_start_up(migrated_url)
    assert "bot.handlers.scan" in modules and "bot.handlers.stats" in modules  # the bot was really built
    loaded = {name.split(".")[0] for name in modules}
    brought_back = {name: why for name, why in LOADED_ON_DEMAND.items() if name in loaded}
    assert not brought_back, f"imported at start-up, but needed only by {brought_back}"
