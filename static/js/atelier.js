// Countdowns on claims, keyboard voting in the review queue, the gallery's
// filter form and the upload preview. Infinite scroll itself is HTMX
// (hx-trigger="revealed"); so are the live fragments (core/live.py).
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

  // Review queue: 1-5 score, c focuses the comment, Esc leaves it, s skips.
  function keyboardVoting(review) {
    const comment = review.querySelector("#comment");
    document.addEventListener("keydown", function (ev) {
      const tag = ev.target.tagName;
      if (tag === "TEXTAREA" || tag === "INPUT" || tag === "SELECT") {
        if (ev.key === "Escape" && ev.target === comment) { comment.blur(); ev.preventDefault(); }
        return;
      }
      if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.repeat) return;
      if (ev.key === "c" && comment) { ev.preventDefault(); comment.focus(); return; }
      const btn = review.querySelector('button[data-key="' + ev.key + '"]');
      if (btn) {
        ev.preventDefault();
        btn.classList.add("pressed");
        btn.click();
      }
    });
  }

  // Filters submit themselves when changed with a pointer; from the keyboard
  // they wait for the Filter button, so arrowing through options is safe.
  function autosubmitFilters(form) {
    let pointer = false;
    form.addEventListener("pointerdown", function () { pointer = true; });
    form.addEventListener("keydown", function () { pointer = false; });
    form.addEventListener("change", function (ev) {
      if (pointer && ev.target.matches("[data-autosubmit]")) form.requestSubmit();
    });
  }

  // Palette swatches: colours set through the DOM, as the CSP forbids style="".
  function paintSwatches(root) {
    root.querySelectorAll("[data-swatch]").forEach(function (el) {
      el.style.background = el.dataset.swatch;
    });
  }

  // The phone menu is a native popover and works without this; here its
  // button also says whether it is open, for screen readers that read the
  // attribute rather than the popover's state.
  function menuState(menu) {
    const button = document.querySelector('[popovertarget="' + menu.id + '"]');
    if (!button) return;
    button.setAttribute("aria-expanded", "false");
    menu.addEventListener("toggle", function (ev) {
      button.setAttribute("aria-expanded", ev.newState === "open" ? "true" : "false");
    });
  }

  // Submit form: show the chosen file before it is uploaded. The image is a
  // blob: URL of the local file (the CSP's img-src allows blob:), freed when
  // another file is chosen.
  function previewUploads(input) {
    const box = document.getElementById(input.dataset.preview);
    if (!box) return;
    const img = box.querySelector("img"), caption = box.querySelector("figcaption");
    let url = null;
    input.addEventListener("change", function () {
      if (url) URL.revokeObjectURL(url);
      url = null;
      const file = input.files && input.files[0];
      if (!file || !file.type.startsWith("image/")) {
        box.hidden = true;
        img.removeAttribute("src");
        return;
      }
      url = URL.createObjectURL(file);
      img.src = url;
      caption.textContent = file.name + " · " + Math.max(1, Math.round(file.size / 1024)) + " KB";
      box.hidden = false;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const menu = document.getElementById("site-menu");
    if (menu) menuState(menu);
    paintSwatches(document);
    tick();
    setInterval(tick, 1000);
    const review = document.querySelector("[data-keyboard-vote]");
    if (review) keyboardVoting(review);
    document.querySelectorAll("form.filters").forEach(autosubmitFilters);
    document.querySelectorAll("input[type=file][data-preview]").forEach(previewUploads);
  });

  // A button with data-confirm asks before its form is sent (deleting).
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
  });
})();
