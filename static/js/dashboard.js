// Staff queue: refresh the urgent and not-improving blocks in place, without a page reload.
// The poll sends X-Stride-Refresh so the server returns only that fragment and does not count
// it as activity (an unattended screen still signs out after 30 minutes idle).
(function () {
  "use strict";
  var live = document.getElementById("queue-live");
  if (!live || !window.fetch) { return; }
  var seconds = parseInt(live.getAttribute("data-refresh-seconds"), 10) || 60;

  function refresh() {
    if (document.hidden) { return; }
    fetch(window.location.href, {
      headers: { "X-Stride-Refresh": "1" },
      credentials: "same-origin",
      redirect: "error"
    }).then(function (response) {
      if (response.status === 401 || response.status === 403) {
        window.location.reload();  // session ended: show the sign-in page
        return null;
      }
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (html === null || html === undefined) { return; }
      var focused = live.contains(document.activeElement);
      live.innerHTML = html;
      if (focused) { live.focus(); }
    }).catch(function () { /* offline for a moment: try again next time */ });
  }

  live.setAttribute("aria-live", "polite");
  live.setAttribute("tabindex", "-1");
  window.setInterval(refresh, seconds * 1000);
})();
