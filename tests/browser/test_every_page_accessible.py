"""Every page fits a phone, a tablet and a desktop, and axe-core finds nothing serious on it.

One browser opens every page of tests/every_page.py as someone allowed to see it, each
page once: at 1280 px axe-core checks it in the light and the dark scheme, then the
window narrows to 768 px and 390 px, where nothing may be wider than the screen and axe
checks the phone layout too. The Django admin's pages are checked at desktop width, where
the admin is used. The test lists every problem it finds before it fails.
"""

import itertools

import pytest
from axe_playwright_python.base import AXE_SCRIPT

from tests.browser.conftest import sign_in
from tests.every_page import AWAITING_FIX

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP, TABLET, PHONE = 1280, 768, 390
HEIGHT = 900

# axe-core's default rules (WCAG 2.0-2.2 A and AA and its best practices), and one it keeps
# off by default: a control's name must contain the words it shows (WCAG 2.5.3).
# Its preloading of stylesheets is off: it copies them into <style> elements, which the
# site's CSP blocks; only the check for a locked screen orientation needs them.
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "rules": {"label-content-name-mismatch": {"enabled": True}},
    "preload": False,
}
BLOCKING = {"serious", "critical"}
# The dark scheme changes colours and nothing else, so only these need checking again in it.
COLOUR_RULES = ("color-contrast", "link-in-text-block")

# htmx fragments that also answer a plain GET: opened alone they are not documents, so the
# rules about a whole document (its title, language, landmarks) do not apply to them.
FRAGMENTS = {
    "grouping:run": "the grouping run's progress, which the round page polls",
    "grouping:check": "a check of a cohort's time or facilitator, shown in the cohort form",
    "cohorts:meeting_check": "who could not attend a meeting's new time, shown in the move form",
}
# Pages with a problem in a template someone else is changing now, and where it is. The
# test fails once the problem is gone, so an entry cannot outlive its fix.
AWAITING_FIX_ELSEWHERE = {
    "accounts:profile": "templates/accounts/profile.html writes each field's hint without the"
    " id that Django's aria-describedby on the field points at",
}
DOCUMENT_RULES = ("document-title", "html-has-lang", "landmark-one-main", "page-has-heading-one")

# Every reference from one element to another by id points at an element that exists.
BROKEN_REFERENCES = """() => {
  const broken = [];
  const attributes = ["aria-describedby", "aria-labelledby", "aria-controls", "aria-errormessage"];
  for (const name of attributes) {
    for (const element of document.querySelectorAll("[" + name + "]")) {
      for (const id of element.getAttribute(name).split(/\\s+/).filter(Boolean)) {
        if (document.getElementById(id)) continue;
        broken.push(name + '="' + id + '" on <' + element.localName + ">");
      }
    }
  }
  for (const label of document.querySelectorAll("label[for]")) {
    if (!document.getElementById(label.htmlFor)) broken.push('label for="' + label.htmlFor + '"');
  }
  return broken;
}"""

# What sticks out past the right edge of the window, for the failure message.
WIDER_THAN_SCREEN = """() => {
  const edge = document.documentElement.clientWidth + 1;
  const scrolls = (element) => /auto|scroll|hidden/.test(getComputedStyle(element).overflowX);
  const out = [];
  for (const element of document.body.querySelectorAll("*")) {
    const right = element.getBoundingClientRect().right;
    if (right <= edge || element.parentElement.getBoundingClientRect().right > edge) continue;
    let inside = element.parentElement;
    while (inside !== document.body && !scrolls(inside)) inside = inside.parentElement;
    if (inside !== document.body) continue;
    const name = element.localName + (element.className ? "." + element.className : "");
    out.push("<" + name + "> to " + Math.round(right) + "px");
  }
  return out.slice(0, 3);
}"""


def sideways_scroll(page) -> int:
    """How far the page scrolls sideways, in CSS pixels."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def axe_problems(page, *, fragment: bool, colours_only: bool = False) -> list[str]:
    options = dict(AXE_OPTIONS)
    if fragment:
        options["rules"] = {**options["rules"], **{r: {"enabled": False} for r in DOCUMENT_RULES}}
    if colours_only:
        options["runOnly"] = {"type": "rule", "values": list(COLOUR_RULES)}
    results = page.evaluate("options => axe.run(document, options)", options)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in results["violations"]
        if v["impact"] in BLOCKING
    ]


def switch_scheme(page, scheme: str) -> None:
    page.emulate_media(color_scheme=scheme)
    # The admin's links fade to their new colour; axe must see where they end up.
    page.evaluate("document.getAnimations().forEach(a => a.finish())")


def check_page(page, each) -> list[str]:
    """Every problem on the page just opened at desktop width, as lines to report."""
    problems = []
    fragment = each.name in FRAGMENTS
    is_admin = each.name.startswith("admin:")
    problems += [f"light: {p}" for p in axe_problems(page, fragment=fragment)]
    switch_scheme(page, "dark")
    problems += [f"dark: {p}" for p in axe_problems(page, fragment=fragment, colours_only=True)]
    switch_scheme(page, "light")
    if not is_admin:
        # The admin's own widgets point at ids they never write; axe checks what matters there.
        problems += [f"broken reference: {r}" for r in page.evaluate(BROKEN_REFERENCES)]
    widths = (DESKTOP,) if is_admin else (DESKTOP, TABLET, PHONE)
    for width in widths:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        if overflow := sideways_scroll(page):
            culprits = ", ".join(page.evaluate(WIDER_THAN_SCREEN))
            problems.append(f"{width}px: scrolls sideways by {overflow}px ({culprits})")
    if not is_admin:
        problems += [f"{PHONE}px: {p}" for p in axe_problems(page, fragment=fragment)]
    return problems


def test_every_page_fits_every_screen_and_axe_finds_no_serious_problem(
    live_server, browser_page, client, site, no_csp_violations
):
    page = browser_page
    # In every document before its own scripts, through the devtools protocol, so the
    # site's CSP does not stop it (and it is sent to the browser once, not per page).
    page.context.add_init_script(AXE_SCRIPT)
    found, still_broken = {}, set()
    for user, pages in itertools.groupby(site.pages, key=lambda p: p.user):
        sign_in(page.context, client, live_server, user)
        for each in pages:
            page.set_viewport_size({"width": DESKTOP, "height": HEIGHT})
            page.goto(live_server.url + each.url, wait_until="load")
            problems = check_page(page, each)
            if each.name in AWAITING_FIX_ELSEWHERE:
                still_broken.update([each.name] if problems else [])
            elif problems:
                found[f"{each} as {user or 'a visitor'}"] = problems
            if each.name in AWAITING_FIX:
                # test_content_security_policy.py holds these to account.
                no_csp_violations.seen.clear()
    assert not found, "\n".join(
        f"{where}:\n  " + "\n  ".join(problems) for where, problems in found.items()
    )
    assert still_broken == set(AWAITING_FIX_ELSEWHERE), "fixed: remove from AWAITING_FIX_ELSEWHERE"
