// Keyboard labelling on the review page: 1-5 choose the type, 6-8 the urgency, Enter confirms,
// S skips, N goes to the note (Esc leaves it). Plain script, no library, no build step.
(function () {
  var form = document.getElementById("label-form");
  if (!form) return;
  var note = document.getElementById("note");
  function submit(action) {
    var button = document.getElementById(action === "skip" ? "skip-case" : "confirm-case");
    form.requestSubmit(button);
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target === note) {
      if (event.key === "Escape") { note.blur(); event.preventDefault(); }
      return;  // Enter in the note submits the form as usual
    }
    var radio = form.querySelector('input[type=radio][data-key="' + event.key + '"]');
    if (radio) { radio.checked = true; event.preventDefault(); return; }
    if (event.key === "Enter") { submit("label"); event.preventDefault(); }
    else if (event.key === "s" || event.key === "S") { submit("skip"); event.preventDefault(); }
    else if (event.key === "n" || event.key === "N") { note.focus(); event.preventDefault(); }
  });
})();
