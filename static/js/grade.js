// The grading page: a live total of the chosen rubric levels. The server
// computes the same total when it shows the form again.
(function () {
  "use strict";
  var form = document.getElementById("grade-form");
  var total = form && form.querySelector("#rubric-total [data-total]");
  if (!total) return;
  function update() {
    var sum = 0;
    form.querySelectorAll("input[type=radio][data-points]:checked").forEach(function (input) {
      sum += parseInt(input.dataset.points, 10) || 0;
    });
    total.textContent = sum;
  }
  form.addEventListener("change", update);
  update();
})();
