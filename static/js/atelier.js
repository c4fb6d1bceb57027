// Countdowns on claims and keyboard scoring in the review queue.
(function () {
  function fmt(sec) {
    if (sec <= 0) return "expired";
    const h = Math.floor(sec / 3600), m = Math.floor((sec % 3600) / 60), s = sec % 60;
    return (h ? h + "h " : "") + String(m).padStart(h ? 2 : 1, "0") + "m " + String(s).padStart(2, "0") + "s";
  }
  function tick() {
    document.querySelectorAll(".countdown[data-expires]").forEach(function (el) {
      const left = Math.round((Date.parse(el.dataset.expires) - Date.now()) / 1000);
      el.textContent = fmt(left);
      el.classList.toggle("warn", left > 0 && left < 600);
      el.classList.toggle("gone", left <= 0);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 1000);
    const review = document.querySelector("[data-keyboard-vote]");
    if (review) {
      document.addEventListener("keydown", function (ev) {
        if (ev.target.tagName === "TEXTAREA" || ev.target.tagName === "INPUT") return;
        if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
        const btn = review.querySelector('button[data-key="' + ev.key + '"]');
        if (btn) { ev.preventDefault(); btn.click(); }
      });
    }
  });
})();
