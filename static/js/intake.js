// Progressive enhancement only: the form works without this file.
// Preselect the browser's own time zone, so the follow-up arrives at a decent local hour.
(function () {
  var select = document.getElementById("id_timezone");
  if (!select || select.dataset.touched) return;
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && select.querySelector('option[value="' + zone + '"]') && !document.querySelector(".field--error")) {
      select.value = zone;
    }
  } catch (e) { /* old browser: keep the clinic's zone */ }
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();

// The knee diagram: tapping an area ticks (or unticks) the matching pain-location box.
(function () {
  var areas = document.querySelectorAll(".knee-area");
  function box(location) {
    return document.querySelector('input[name="pain_locations"][value="' + location + '"]');
  }
  function paint() {
    areas.forEach(function (area) {
      var input = box(area.dataset.location);
      area.classList.toggle("is-selected", !!(input && input.checked));
    });
  }
  areas.forEach(function (area) {
    area.addEventListener("click", function () {
      var input = box(area.dataset.location);
      if (!input) return;
      input.checked = !input.checked;
      paint();
    });
  });
  document.querySelectorAll('input[name="pain_locations"]').forEach(function (input) {
    input.addEventListener("change", paint);
  });
  paint();
})();

// The mobile number is asked only for text messages: hidden while email is chosen (unless it
// holds a number or an error). Without this script it shows, marked "needed only for text
// messages"; the server decides either way.
(function () {
  var phone = document.getElementById("id_phone");
  var radios = document.querySelectorAll('input[name="channel"]');
  if (!phone || !radios.length) return;
  var field = phone.closest(".field");
  function update() {
    var sms = document.querySelector('input[name="channel"][value="sms"]:checked');
    var keep = phone.value || field.classList.contains("field--error");
    field.hidden = !sms && !keep;
  }
  radios.forEach(function (radio) { radio.addEventListener("change", update); });
  update();
})();
