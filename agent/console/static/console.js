// Progressive: the set-up page works without this script; with it, a running sync's progress updates.
(function () {
  "use strict";
  var box = document.getElementById("sync");
  if (!box || !box.dataset.running) return;
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (job) {
      var bar = document.getElementById("sync-progress");
      var count = document.getElementById("sync-count");
      if (job.finished) {
        box.textContent = job.outcome || "Catalog synced.";
        box.setAttribute("role", "status");
        return;
      }
      if (bar && job.total) { bar.max = job.total; bar.value = job.done; }
      if (count) count.textContent = job.done + (job.total ? " of " + job.total : "") + " products";
      setTimeout(poll, 1000);
    }).catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
