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
