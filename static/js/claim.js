// The claim clock: end times in the reader's own locale, and what the task
// page does when a claim reaches zero (the server renders the same state on
// a reload). The countdown text itself is ticked by atelier.js.
(function () {
  function localTimes(root) {
    root.querySelectorAll("time.local-time[datetime]").forEach(function (el) {
      const when = new Date(el.getAttribute("datetime"));
      if (isNaN(when.getTime())) return;
      el.title = el.textContent.trim();  // the UTC text stays as a tooltip
      el.textContent = when.toLocaleString(undefined, {
        dateStyle: "medium", timeStyle: "short",
      });
    });
  }

  // At zero: the live part goes, "Your claim has ended" comes, the form is
  // locked. What the contributor chose can still be sent once, as a draft.
  function endClaim(box) {
    box.querySelectorAll("[data-claim-live]").forEach(function (el) { el.hidden = true; });
    const ended = box.querySelector("[data-claim-ended]");
    ended.hidden = false;
    const form = document.querySelector("form.submit-form");
    if (!form) return;
    const controls = form.querySelectorAll("input, select, textarea, button");
    controls.forEach(function (el) { el.disabled = true; });
    form.classList.add("locked");
    form.setAttribute("aria-disabled", "true");
    const file = form.querySelector("input[type=file]");
    const keep = ended.querySelector("[data-keep-draft]");
    if (!keep || !file || !file.files.length) return;
    keep.hidden = false;
    keep.addEventListener("click", function () {
      controls.forEach(function (el) { el.disabled = false; });
      keep.disabled = true;
      form.requestSubmit();
    });
  }

  function watch(box) {
    const countdown = box.querySelector(".countdown[data-expires]");
    if (!countdown) return;
    const end = Date.parse(countdown.dataset.expires);
    const timer = setInterval(check, 500);
    function check() {
      if (Date.now() < end) return;
      clearInterval(timer);
      endClaim(box);
    }
    check();
  }

  document.addEventListener("DOMContentLoaded", function () {
    localTimes(document);
    document.querySelectorAll("[data-claim-clock]").forEach(watch);
  });
})();
