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

  document.addEventListener("DOMContentLoaded", guessTimezone);
})();
