// Suggests the agencies of one's scope as one types in an agency field: each suggestion puts
// "Name (CODE)" in the field, which the server reads back. Without it the field still takes a
// code or a name.
(function () {
  "use strict";
  document.querySelectorAll("input[data-agency-suggestions]").forEach(function (field) {
    if (field.dataset.suggesting) { return; }
    field.dataset.suggesting = "1";
    var list = document.getElementById(field.getAttribute("list"));
    var asked = "";
    var timer = null;
    function fill(found) {
      list.replaceChildren();
      found.forEach(function (agency) {
        var option = document.createElement("option");
        option.value = agency.label;
        if (agency.parent) { option.label = agency.parent; }
        list.appendChild(option);
      });
    }
    function ask() {
      var typed = field.value.trim();
      if (typed === asked) { return; }
      asked = typed;
      // Fewer than two characters match too much; a chosen suggestion needs no more.
      if (typed.length < 2 || /\([^()]+\)$/.test(typed)) { fill([]); return; }
      var url = field.dataset.agencySuggestions + "?q=" + encodeURIComponent(typed);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (found) { if (field.value.trim() === typed) { fill(found); } })
        .catch(function () { fill([]); });
    }
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 150);
    });
  });
})();
