// Saves each answer as soon as it is picked, and shows the time left. The page works without it.
(function () {
  "use strict";
  var form = document.getElementById("quiz");
  if (!form || !window.fetch) { return; }
  var status = document.getElementById("quiz-message");
  var token = form.querySelector("input[name=csrf_token]").value;

  // The page's language: its messages come from the template, with {n}, {m} and {s} to fill.
  var words = form.dataset;
  function fill(text, values) {
    return text.replace(/\{(\w)\}/g, function (_, key) { return values[key]; });
  }
  function say(text) { if (status) { status.textContent = text; } }

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset.question");
    if (!fieldset) { return; }
    var position = fieldset.id.slice(1);
    var picked = Array.prototype.map.call(
      fieldset.querySelectorAll("input:checked"), function (input) { return input.value; });
    var answers = {};
    answers[position] = picked;
    fetch(form.dataset.saveUrl, {
      method: "PUT", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
      body: JSON.stringify({ answers: answers })
    }).then(function (response) {
      if (response.ok) { say(fill(words.saved, { n: position })); return; }
      return response.json().then(function (body) {
        say(body.error || fill(words.notSaved, { n: position }));
        if (response.status === 409) { window.location.reload(); }
      });
    }).catch(function () {
      say(fill(words.offline, { n: position }));
    });
  });

  var deadline = document.querySelector("[data-deadline]");
  if (deadline) {
    var end = Date.parse(deadline.dataset.deadline);
    var tick = function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      deadline.textContent = fill(words.timeLeft, { m: Math.floor(left / 60), s: ("0" + left % 60).slice(-2) });
      if (left === 0) {
        var submit = form.querySelector("button[value=submit]");
        if (submit) { submit.click(); }
        return;
      }
      window.setTimeout(tick, 1000);
    };
    tick();
  }
})();
