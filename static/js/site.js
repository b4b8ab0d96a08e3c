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

  document.addEventListener("DOMContentLoaded", function () {
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
