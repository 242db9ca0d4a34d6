"""Headless Debian Chromium driving the Mini App (Playwright for Python; no browser is downloaded).

Telegram's script (https://telegram.org/js/telegram-web-app.js) is routed to a local stub that supplies
``initData`` signed with the test token and the theme, as Telegram's own script would; the page itself is
served unchanged by the bot's server. Every other request leaving 127.0.0.1 is refused.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
LIGHT = {
    "bg_color": "#ffffff",
    "secondary_bg_color": "#f0f0f4",
    "text_color": "#000000",
    "hint_color": "#8e8e93",
    "link_color": "#2481cc",
    "button_color": "#2481cc",
    "button_text_color": "#ffffff",
}
DARK = {
    "bg_color": "#17212b",
    "secondary_bg_color": "#232e3c",
    "text_color": "#f5f5f5",
    "hint_color": "#708499",
    "link_color": "#6ab3f3",
    "button_color": "#5288c1",
    "button_text_color": "#ffffff",
}


def stub_script(init_data: str, theme: dict[str, str], scheme: str) -> str:
    """What Telegram's script provides the page: WebApp with initData, themeParams (also as the
    --tg-theme-* CSS variables), MainButton/BackButton and haptics (recorded for the test)."""
    return f"""
(function () {{
  var theme = {json.dumps(theme)};
  var root = document.documentElement.style;
  Object.keys(theme).forEach(function (k) {{ root.setProperty('--tg-theme-' + k.replace(/_/g, '-'), theme[k]); }});
  window.__haptics = []; window.__main = {{ visible: false, text: '' }}; window.__back = {{ visible: false }};
  var handlers = {{ main: [], back: [] }};
  window.Telegram = {{ WebApp: {{
    initData: {json.dumps(init_data)}, initDataUnsafe: {{}}, version: '8.0', platform: 'tdesktop',
    colorScheme: {json.dumps(scheme)}, themeParams: theme,
    ready: function () {{}}, expand: function () {{}},
    MainButton: {{ setText: function (t) {{ window.__main.text = t; }}, show: function () {{ window.__main.visible = true; }},
                  hide: function () {{ window.__main.visible = false; }}, onClick: function (f) {{ handlers.main.push(f); }} }},
    BackButton: {{ show: function () {{ window.__back.visible = true; }}, hide: function () {{ window.__back.visible = false; }},
                  onClick: function (f) {{ handlers.back.push(f); }} }},
    HapticFeedback: {{ notificationOccurred: function (k) {{ window.__haptics.push(k); }},
                      impactOccurred: function () {{}}, selectionChanged: function () {{}} }}
  }} }};
  window.__pressMain = function () {{ handlers.main.forEach(function (f) {{ f(); }}); }};
}})();
"""


def launch(playwright, *extra_args: str):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium; .ci/run does)")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[*FLAGS, *extra_args])


def open_page(
    browser,
    base_url: str,
    init_data: str,
    *,
    theme=LIGHT,
    scheme="light",
    path="/app/",
    viewport=PHONE,
    locale: str | None = None,
):
    """A 390×844 phone page of the Mini App with the stubbed Telegram script (``locale``: the browser's
    language, sent as Accept-Language)."""
    context = browser.new_context(
        viewport=viewport,
        device_scale_factor=2,
        color_scheme=scheme,
        **({"locale": locale} if locale else {}),
    )
    context.grant_permissions(["camera"], origin=base_url)
    script = stub_script(init_data, theme, scheme)

    def route(route):
        url = route.request.url
        if url.startswith("https://telegram.org/js/telegram-web-app.js"):
            route.fulfill(status=200, content_type="application/javascript", body=script)
        elif url.startswith(base_url):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: (errors.append("dialog: " + dialog.message), dialog.dismiss()))
    page.goto(base_url + path)
    page.errors = errors  # type: ignore[attr-defined]
    return page
