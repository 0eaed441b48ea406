// Progressive enhancement only: the booking picker works without this file (a day per page,
// the form's own Continue button).
// - The chosen time is summarised on the Continue button ("Continue — Tue 1 Dec, 4:00 pm"),
//   which becomes a bar fixed to the bottom of a phone's screen.
// - The day strip scrolls its current day into view; an error summary takes focus.
(function () {
  var summary = document.getElementById("booking-error");
  if (summary) summary.focus();

  var strip = document.querySelector(".day-strip");
  var current = strip && strip.querySelector("[aria-current]");
  if (current && strip.scrollWidth > strip.clientWidth) {
    var item = current.parentElement;
    strip.scrollLeft = item.offsetLeft - (strip.clientWidth - item.offsetWidth) / 2;
  }

  var form = document.querySelector(".booking-form");
  if (!form) return;
  var button = form.querySelector(".continue-bar button");
  function update() {
    var chosen = form.querySelector('input[name="slot"]:checked');
    if (!chosen || !button) return;
    button.textContent = form.dataset.continue + " — " + form.dataset.day + ", " + chosen.dataset.time;
    form.classList.add("is-chosen");
    document.body.classList.add("has-continue-bar");
  }
  form.addEventListener("change", update);
  update();
})();
