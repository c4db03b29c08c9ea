// Shows only the fields the chosen kind of period reads. Without it every field shows, and the
// server still reads only the ones the kind needs.
(function () {
  "use strict";
  var form = document.getElementById("period");
  if (!form) { return; }
  var kind = form.querySelector("#kind");
  function show() {
    form.querySelectorAll("[data-kinds]").forEach(function (field) {
      field.hidden = field.dataset.kinds.split(" ").indexOf(kind.value) < 0;
      // A hidden field is not sent either: the address says only what the period reads.
      field.querySelectorAll("input").forEach(function (input) { input.disabled = field.hidden; });
    });
  }
  kind.addEventListener("change", show);
  show();
})();
