// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  function browserZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (e) {
      return null;
    }
  }

  function hasOption(select, value) {
    return Array.prototype.some.call(select.options, function (o) { return o.value === value; });
  }

  // Time zone selects: on sign-up, preselect the browser's zone; on the
  // profile, offer it with a button, since the stored choice may be deliberate.
  function guessTimezone() {
    var zone = browserZone();
    if (!zone) return;
    document.querySelectorAll("select[data-guess-timezone]").forEach(function (select) {
      if (!hasOption(select, zone) || select.value === zone) return;
      if (select.dataset.guessTimezone === "preselect") {
        select.value = zone;
        return;
      }
      var offer = document.getElementById(select.id + "-offer");
      if (!offer) return;
      offer.querySelector("[data-zone-name]").textContent = zone.replace(/_/g, " ");
      offer.hidden = false;
      offer.querySelector("button").addEventListener("click", function () {
        select.value = zone;
        offer.hidden = true;
        select.focus();
      });
    });
  }

  // "Copy link" buttons name the input they copy with data-copy-target. They
  // show only where the clipboard can be used; the text stays selectable anyway.
  function copyButtons() {
    if (!navigator.clipboard) return;
    document.querySelectorAll("[data-copy-target]").forEach(function (button) {
      var input = document.getElementById(button.dataset.copyTarget);
      var status = document.querySelector("[data-copy-status]");
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(input.value).then(
          function () { status.textContent = "Copied."; },
          function () { input.select(); status.textContent = "Press Ctrl+C (or ⌘C) to copy."; }
        );
      });
    });
  }

  // In-place updates (htmx) must leave keyboard focus where the person was.
  // htmx itself refocuses an element whose id comes back in the new content;
  // for one without an id, remember its place among the target's focusable
  // elements and focus the one in the same place afterwards, else the target.
  var FOCUSABLE = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]";
  var lostFocus = null;

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var active = document.activeElement;
    lostFocus = null;
    if (!target || !active || active === document.body || !target.contains(active)) return;
    if (active.id) return;
    lostFocus = {
      target: target,
      index: Array.prototype.indexOf.call(target.querySelectorAll(FOCUSABLE), active),
      id: target.id
    };
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!lostFocus) return;
    var was = lostFocus;
    lostFocus = null;
    if (document.activeElement && document.activeElement !== document.body) return;
    // An outerHTML swap replaces the target itself: find its successor by id.
    var target = document.body.contains(was.target) ? was.target : (was.id && document.getElementById(was.id));
    if (!target) return;
    var candidates = target.querySelectorAll(FOCUSABLE);
    var next = candidates[Math.min(Math.max(was.index, 0), candidates.length - 1)];
    if (!next) {
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      next = target;
    }
    next.focus({ preventScroll: true });
  });

  // The navigation's groups (Facilitate, Admin, Account) are <details>: on a
  // wide screen they drop down over the page, so one open closes the others,
  // and a click elsewhere or Escape closes them.
  function navGroups() {
    return document.querySelectorAll(".nav-group > details[open]");
  }

  document.addEventListener("toggle", function (event) {
    var opened = event.target;
    if (!opened.matches || !opened.matches(".nav-group > details") || !opened.open) return;
    navGroups().forEach(function (group) { if (group !== opened) group.open = false; });
  }, true);

  document.addEventListener("click", function (event) {
    navGroups().forEach(function (group) { if (!group.contains(event.target)) group.open = false; });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    navGroups().forEach(function (group) {
      var hadFocus = group.contains(document.activeElement);
      group.open = false;
      if (hadFocus) group.querySelector("summary").focus();
    });
  });

  // A form sent back with errors opens on its error summary, so a screen
  // reader reads the problems first and a keyboard user can follow the links.
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    guessTimezone();
    copyButtons();
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) window.print();
  });

  // Enter on a rubric level (a radio button) would submit its form, sending a
  // grade or a review nobody meant to send yet; choosing a level never should.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && target.matches && target.matches("form[data-rubric-form] input[type=radio]")) {
      event.preventDefault();
    }
  });
})();
