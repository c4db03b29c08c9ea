// Saves each answer as soon as it is picked, and shows the time left. The page works without it.
(function () {
  "use strict";
  var form = document.getElementById("quiz");
  if (!form || !window.fetch) { return; }
  var status = document.getElementById("quiz-message");
  var token = form.querySelector("input[name=csrf_token]").value;

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
      if (response.ok) { say("Réponse " + position + " enregistrée."); return; }
      return response.json().then(function (body) {
        say(body.error || "Réponse non enregistrée.");
        if (response.status === 409) { window.location.reload(); }
      });
    }).catch(function () {
      say("Connexion interrompue : la réponse " + position + " sera enregistrée avec le bouton « Enregistrer ».");
    });
  });

  var deadline = document.querySelector("[data-deadline]");
  if (deadline) {
    var end = Date.parse(deadline.dataset.deadline);
    var tick = function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      deadline.textContent = "Temps restant : " + Math.floor(left / 60) + " min " + ("0" + left % 60).slice(-2) + " s.";
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
