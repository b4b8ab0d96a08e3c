"""Smoke test: the browser harness can load a page, find a button, click it.

Serves a static page from Python's http.server (no Django), so a failure here
points at Chromium/Playwright rather than at the application.
"""

import http.server
import threading

import pytest

pytestmark = pytest.mark.browser

PAGE = b"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Smoke</title></head>
<body>
  <p id="status">Not clicked yet</p>
  <button type="button" id="go">Say hello</button>
  <script>
    document.getElementById("go").addEventListener("click", () => {
      document.getElementById("status").textContent = "Hello from JavaScript";
    });
  </script>
</body>
</html>
"""


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, format, *args):  # keep test output quiet
        pass


@pytest.fixture
def static_server():
    # Port 0: the OS picks a free port, so parallel runs never collide.
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_click_button_changes_text(browser_page, static_server):
    browser_page.goto(static_server)
    status = browser_page.locator("#status")
    assert status.text_content() == "Not clicked yet"

    browser_page.get_by_role("button", name="Say hello").click()

    # wait_for_function polls until the click handler has run.
    browser_page.wait_for_function(
        "document.getElementById('status').textContent === 'Hello from JavaScript'"
    )
    assert status.text_content() == "Hello from JavaScript"
