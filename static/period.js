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
    });
  }
  kind.addEventListener("change", show);
  show();
})();
