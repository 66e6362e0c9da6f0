"""Screenshots of every public page type at desktop and phone width (`make screenshots`).

    python bench/screenshots.py                 # db.sqlite3 with the demo content (make demo)
    python bench/screenshots.py --out /tmp/shots --db /tmp/demo.sqlite3

Serves the database with gunicorn and production settings (bench/public_pages.py), opens each
page in Debian's Chromium (Playwright) and writes <out>/<page>-<desktop|phone>.png, full page.
The folder (screenshots/ by default) is not committed.
"""

import argparse
import sys
from pathlib import Path

from public_pages import ROOT, page_types, production_server, setup_django, superuser_session

VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(ROOT / "db.sqlite3"))
    parser.add_argument("--out", default=str(ROOT / "screenshots"))
    args = parser.parse_args()
    setup_django(args.db)
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    pages = page_types()
    cookie = superuser_session()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with production_server(args.db) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for label, (width, height) in VIEWPORTS.items():
            context = browser.new_context(
                base_url=base,
                viewport={"width": width, "height": height},
                device_scale_factor=1,
                is_mobile=label == "phone",
                has_touch=label == "phone",
            )
            if cookie:
                context.add_cookies([{"name": cookie[0], "value": cookie[1], "url": base}])
            page = context.new_page()
            for name, path, needs_login in pages:
                if needs_login and not cookie:
                    continue
                response = page.goto(path, wait_until="load")
                target = out / f"{name}-{label}.png"
                page.screenshot(path=str(target), full_page=True)
                print(f"{response.status} {label:7} {name:12} {path} -> {target}")
            context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
