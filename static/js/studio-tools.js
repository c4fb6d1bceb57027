// The studio of tools: a quick canvas preview of the recipe's steps.
//
// Works on a copy of the seed scaled to at most PREVIEW px, with the same
// formulas as art_tasks/studio_render.py; sizes that depend on the picture
// are fractions of its shorter side, so the preview and the exact render
// (made on the server from the full-size seed) agree closely. The steps
// go back to the server as JSON in the form's hidden "steps" field.
(function () {
  "use strict";
  const canvas = document.getElementById("studio-preview");
  const form = document.getElementById("studio-form");
  if (!canvas || !form) return;
  const PREVIEW = 480;
  const table = JSON.parse(document.getElementById("studio-ops").textContent);
  const RATIOS = table.ratios;
  let steps = JSON.parse(document.getElementById("studio-initial-steps").textContent) || [];
  const input = document.getElementById("studio-steps-input");
  const list = document.getElementById("studio-step-list");
  const none = document.getElementById("studio-no-steps");
  const sizeNote = document.getElementById("studio-size");
  let seed = null, layer = null, mask = null, pending = null;

  // Images as {w, h, d: Uint8ClampedArray RGBA}.
  function fromCanvas(c) {
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    return { w: c.width, h: c.height, d: d };
  }
  function toCanvas(img) {
    const c = document.createElement("canvas");
    c.width = img.w; c.height = img.h;
    c.getContext("2d").putImageData(new ImageData(img.d, img.w, img.h), 0, 0);
    return c;
  }
  function blank(w, h) { return { w: w, h: h, d: new Uint8ClampedArray(w * h * 4).fill(255) }; }
  function drawn(source, w, h, cover) {
    const c = document.createElement("canvas");
    c.width = w; c.height = h;
    const ctx = c.getContext("2d");
    const sw = source.naturalWidth || source.width, sh = source.naturalHeight || source.height;
    if (cover) {  // ImageOps.fit: scale to cover, centred crop
      const s = Math.max(w / sw, h / sh);
      const cw = w / s, ch = h / s;
      ctx.drawImage(source, (sw - cw) / 2, (sh - ch) / 2, cw, ch, 0, 0, w, h);
    } else {
      ctx.drawImage(source, 0, 0, w, h);
    }
    return fromCanvas(c);
  }
  function filtered(img, filter) {
    const c = document.createElement("canvas");
    c.width = img.w; c.height = img.h;
    const ctx = c.getContext("2d");
    ctx.filter = filter;
    ctx.drawImage(toCanvas(img), 0, 0);
    return fromCanvas(c);
  }
  function perPixel(img, fn) {
    const out = new Uint8ClampedArray(img.d.length);
    for (let i = 0; i < img.d.length; i += 4) {
      const v = fn(img.d[i], img.d[i + 1], img.d[i + 2], i >> 2);
      out[i] = v[0]; out[i + 1] = v[1]; out[i + 2] = v[2]; out[i + 3] = 255;
    }
    return { w: img.w, h: img.h, d: out };
  }
  function lut(img, table) { return perPixel(img, (r, g, b) => [table[r], table[g], table[b]]); }
  const luma = (r, g, b) => (r * 0.299 + g * 0.587 + b * 0.114) / 255;
  function hex(c) { return [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)); }
  function gradient(img, colours) {
    const rgb = colours.map(hex), n = rgb.length - 1;
    return perPixel(img, (r, g, b) => {
      const t = luma(r, g, b) * n, k = Math.min(n - 1, Math.floor(t)), f = t - k;
      return [0, 1, 2].map((c) => rgb[k][c] + (rgb[k + 1][c] - rgb[k][c]) * f);
    });
  }
  function cropBox(w, h, p) {
    let x0 = Math.min(Math.round(p.x * w), w - 1), y0 = Math.min(Math.round(p.y * h), h - 1);
    let cw = Math.max(1, Math.min(Math.round(p.w * w), w - x0));
    let ch = Math.max(1, Math.min(Math.round(p.h * h), h - y0));
    const ratio = RATIOS[p.ratio];
    if (ratio) {
      const rw = ratio[0], rh = ratio[1];
      cw = Math.min(cw, w - x0, Math.floor((h - y0) * rw / rh));
      cw = Math.max(cw - (cw % rw), rw);
      ch = Math.floor(cw * rh / rw);
    }
    return [x0, y0, cw, ch];
  }
  function region(img, x0, y0, w, h) {
    const c = document.createElement("canvas");
    c.width = w; c.height = h;
    c.getContext("2d").drawImage(toCanvas(img), x0, y0, w, h, 0, 0, w, h);
    return fromCanvas(c);
  }
  function remap(img, w, h, src) {  // src(x, y) -> [sx, sy] in img
    const out = new Uint8ClampedArray(w * h * 4);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const s = src(x, y), i = (y * w + x) * 4, j = (s[1] * img.w + s[0]) * 4;
      out[i] = img.d[j]; out[i + 1] = img.d[j + 1]; out[i + 2] = img.d[j + 2]; out[i + 3] = 255;
    }
    return { w: w, h: h, d: out };
  }
  function rng(seedValue) {  // mulberry32 and Box-Muller: approximate grain
    let a = seedValue >>> 0;
    const next = () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    return () => Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
  }
  function blendMask(w, h, p) {
    const m = new Float32Array(w * h);
    const up = p.mask === "upload" && mask ? drawn(mask, w, h, true) : null;
    const a = p.angle * Math.PI / 180, ca = Math.cos(a), sa = Math.sin(a);
    const half = (Math.abs(w * ca) + Math.abs(h * sa)) / 2;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const i = y * w + x;
      let v = 1;
      if (up) v = luma(up.d[i * 4], up.d[i * 4 + 1], up.d[i * 4 + 2]);
      else if (p.mask === "linear") v = Math.min(1, Math.max(0, 0.5 + ((x + 0.5 - w / 2) * ca + (y + 0.5 - h / 2) * sa) / (2 * half)));
      else if (p.mask === "radial") v = Math.max(0, 1 - Math.hypot(x + 0.5 - p.cx * w, y + 0.5 - p.cy * h) / (p.radius * Math.max(w, h)));
      m[i] = p.invert ? 1 - v : v;
    }
    return m;
  }
  const MODES = {
    normal: (a, b) => b,
    multiply: (a, b) => a * b,
    screen: (a, b) => 1 - (1 - a) * (1 - b),
    overlay: (a, b) => (a < 0.5 ? 2 * a * b : 1 - 2 * (1 - a) * (1 - b)),
    soft_light: (a, b) => (1 - 2 * b) * a * a + 2 * b * a,
    difference: (a, b) => Math.abs(a - b),
  };

  const OPS = {
    crop(img, p) { const b = cropBox(img.w, img.h, p); return region(img, b[0], b[1], b[2], b[3]); },
    rotate(img, p) {
      for (let q = 0; q < p.quarter; q++) {  // clockwise quarter turns
        const src = img;
        img = remap(src, src.h, src.w, (x, y) => [y, src.h - 1 - x]);
      }
      if (!p.angle) return img;
      const a = Math.abs(p.angle) * Math.PI / 180, c = Math.cos(a), s = Math.sin(a);
      const k = Math.min(img.w / (img.w * c + img.h * s), img.h / (img.w * s + img.h * c));
      const w = Math.max(1, Math.floor(img.w * k)), h = Math.max(1, Math.floor(img.h * k));
      const t = document.createElement("canvas");
      t.width = img.w; t.height = img.h;
      const ctx = t.getContext("2d");
      ctx.translate(img.w / 2, img.h / 2);
      ctx.rotate(p.angle * Math.PI / 180);
      ctx.drawImage(toCanvas(img), -img.w / 2, -img.h / 2);
      return region(fromCanvas(t), Math.floor((img.w - w) / 2), Math.floor((img.h - h) / 2), w, h);
    },
    flip(img, p) {
      return p.axis === "h" ? remap(img, img.w, img.h, (x, y) => [img.w - 1 - x, y])
        : remap(img, img.w, img.h, (x, y) => [x, img.h - 1 - y]);
    },
    levels(img, p) {
      const t = [];
      for (let v = 0; v < 256; v++) {
        const x = Math.min(1, Math.max(0, (v - p.black) / (p.white - p.black)));
        t.push(Math.round(255 * Math.pow(x, 1 / p.gamma)));
      }
      return lut(img, t);
    },
    curves(img, p) {
      const pts = p.points, t = [];
      for (let v = 0; v < 256; v++) {
        let k = 0;
        while (k < pts.length - 2 && v > pts[k + 1][0]) k++;
        const a = pts[k], b = pts[k + 1];
        const f = v <= a[0] ? 0 : v >= b[0] ? 1 : (v - a[0]) / (b[0] - a[0]);
        t.push(Math.round(a[1] + (b[1] - a[1]) * f));
      }
      return lut(img, t);
    },
    duotone(img, p) { return gradient(img, [p.shadow, p.highlight]); },
    gradient_map(img, p) { return gradient(img, p.colours); },
    halftone(img, p) {
      const cell = Math.max(2, p.size * Math.min(img.w, img.h));
      const smooth = filtered(img, "blur(" + cell / 2 + "px)");
      const a = p.angle * Math.PI / 180, ca = Math.cos(a), sa = Math.sin(a);
      return perPixel(img, (r, g, b, i) => {
        const x = (i % img.w) + 0.5, y = Math.floor(i / img.w) + 0.5;
        const u = x * ca + y * sa, v = -x * sa + y * ca;
        const du = u - (Math.floor(u / cell) + 0.5) * cell, dv = v - (Math.floor(v / cell) + 0.5) * cell;
        const dark = 1 - luma(smooth.d[i * 4], smooth.d[i * 4 + 1], smooth.d[i * 4 + 2]);
        const ink = Math.min(1, Math.max(0, cell * Math.sqrt(dark / Math.PI) - Math.hypot(du, dv) + 0.5));
        const dot = 255 * (1 - ink);
        return [r, g, b].map((c) => c * (1 - p.mix) + dot * p.mix);
      });
    },
    grain(img, p) {
      const noise = rng(p.seed), k = 64 * p.amount;
      return perPixel(img, (r, g, b) => {
        if (p.mono) { const n = noise() * k; return [r + n, g + n, b + n]; }
        return [r + noise() * k, g + noise() * k, b + noise() * k];
      });
    },
    blur(img, p) {
      const px = p.radius * Math.min(img.w, img.h);
      return px > 0 ? filtered(img, "blur(" + px + "px)") : img;
    },
    sharpen(img, p) {
      const soft = filtered(img, "blur(" + p.radius * Math.min(img.w, img.h) + "px)");
      return perPixel(img, (r, g, b, i) => [r, g, b].map((c, k) => c + p.amount * (c - soft.d[i * 4 + k])));
    },
    posterise(img, p) {
      const n = p.levels - 1;
      return perPixel(img, (r, g, b) => [r, g, b].map((c) => Math.round(c / 255 * n) * (255 / n)));
    },
    colour_balance(img, p) { return perPixel(img, (r, g, b) => [r + p.r, g + p.g, b + p.b]); },
    blend(img, p) {
      if (!layer) return img;
      const top = drawn(layer, img.w, img.h, true), m = blendMask(img.w, img.h, p), fn = MODES[p.mode];
      return perPixel(img, (r, g, b, i) => {
        const wgt = (top.d[i * 4 + 3] / 255) * m[i] * p.opacity;
        return [r, g, b].map((c, k) => {
          const a = c / 255, mixed = fn(a, top.d[i * 4 + k] / 255);
          return (a + (mixed - a) * wgt) * 255;
        });
      });
    },
  };

  function paint() {
    if (!seed) return;
    const s = Math.min(1, PREVIEW / Math.max(seed.naturalWidth, seed.naturalHeight));
    let img = drawn(seed, Math.max(1, Math.round(seed.naturalWidth * s)), Math.max(1, Math.round(seed.naturalHeight * s)), false);
    const all = pending ? steps.concat([pending]) : steps;
    for (const step of all) {
      try { img = OPS[step.op](img, step.params); } catch (e) { /* a half-typed value: skip */ }
    }
    canvas.width = img.w; canvas.height = img.h;
    canvas.getContext("2d").putImageData(new ImageData(img.d, img.w, img.h), 0, 0);
    canvas.dataset.painted = String((Number(canvas.dataset.painted) || 0) + 1);
    if (sizeNote) sizeNote.textContent = "preview " + img.w + "×" + img.h + " px";
  }

  function readParams(tool) {
    const params = {};
    tool.querySelectorAll("[data-param]").forEach((el) => {
      const kind = el.dataset.kind, name = el.dataset.param;
      if (kind === "num") params[name] = Number(el.value);
      else if (kind === "int") params[name] = Math.round(Number(el.value));
      else if (kind === "bool") params[name] = el.checked;
      else if (kind === "colours") params[name] = el.value.trim().split(/[\s,]+/).filter(Boolean);
      else if (kind === "points") params[name] = el.value.trim().split(/\s+/).map((pt) => pt.split(",").map(Number));
      else params[name] = el.value;
    });
    return params;
  }
  function currentAspect() {  // width / height of the picture before a new step
    let w = seed ? seed.naturalWidth : 1, h = seed ? seed.naturalHeight : 1;
    for (const step of steps) {
      if (step.op === "crop") { const b = cropBox(w, h, step.params); w = b[2]; h = b[3]; }
      if (step.op === "rotate" && step.params.quarter % 2) { const t = w; w = h; h = t; }
    }
    return w / h;
  }
  function fitRatio(tool) {  // keep a preset crop's box in its ratio
    const ratio = RATIOS[tool.querySelector("[data-param=ratio]").value];
    if (!ratio) return;
    const w = tool.querySelector("[data-param=w]"), h = tool.querySelector("[data-param=h]");
    let hv = Number(w.value) * currentAspect() * ratio[1] / ratio[0];
    if (hv > 1) { w.value = String(Number(w.value) / hv); hv = 1; }
    h.value = String(Math.max(0.02, hv));
  }
  function showOutputs(tool) {
    tool.querySelectorAll("output[data-for]").forEach((out) => {
      const el = document.getElementById(out.dataset.for);
      out.textContent = el.dataset.kind === "int" ? el.value : Number(el.value).toFixed(3);
    });
  }
  function sync() {
    input.value = JSON.stringify(steps);
    list.replaceChildren(...steps.map((step, i) => {
      const li = document.createElement("li");
      const text = Object.entries(step.params).map(([k, v]) => k + "=" + (Array.isArray(v) ? JSON.stringify(v) : v)).join(", ");
      li.textContent = step.op.replace(/_/g, " ") + " ";
      const small = document.createElement("small");
      small.textContent = text;
      const remove = document.createElement("button");
      remove.type = "button"; remove.className = "link-button"; remove.textContent = "remove";
      remove.setAttribute("aria-label", "Remove step " + (i + 1));
      remove.addEventListener("click", () => { steps.splice(i, 1); sync(); paint(); });
      li.append(small, " ", remove);
      return li;
    }));
    if (none) none.hidden = steps.length > 0;
  }

  document.querySelectorAll("details.tool").forEach((tool) => {
    const op = tool.dataset.op;
    const update = (event) => {
      if (op === "crop" && event && event.target.dataset.param !== "h") fitRatio(tool);
      showOutputs(tool);
      pending = { op: op, params: readParams(tool) };
      paint();
    };
    tool.addEventListener("input", update);
    tool.addEventListener("change", update);
    tool.addEventListener("toggle", () => { if (tool.open) update(); else { pending = null; paint(); } });
    tool.querySelectorAll("[data-palette]").forEach((button) => {
      button.querySelectorAll("[data-colour]").forEach((sw) => { sw.style.background = sw.dataset.colour; });
      button.addEventListener("click", () => {
        const colours = button.dataset.palette.split(" ");
        const set = (name, value) => { const el = tool.querySelector("[data-param=" + name + "]"); if (el) el.value = value; };
        set("shadow", colours[0]); set("highlight", colours[colours.length - 1]); set("colours", colours.join(" "));
        update();
      });
    });
    tool.querySelector("[data-add-step]").addEventListener("click", () => {
      if (steps.length >= table.max_steps) return;
      steps.push({ op: op, params: readParams(tool) });
      pending = null;
      tool.open = false;
      sync(); paint();
    });
  });
  document.getElementById("studio-undo").addEventListener("click", () => { steps.pop(); sync(); paint(); });
  document.getElementById("studio-clear").addEventListener("click", () => { steps = []; sync(); paint(); });

  function loadImage(url, done) {
    const img = new Image();
    img.onload = () => done(img);
    img.onerror = () => done(null);
    img.src = url;
  }
  function fileInput(id, done) {
    const el = document.getElementById(id);
    if (!el) return;
    el.addEventListener("change", () => {
      const file = el.files && el.files[0];
      if (!file) return;
      loadImage(URL.createObjectURL(file), (img) => { done(img); paint(); });
    });
  }
  fileInput("studio-layer", (img) => { layer = img; });
  fileInput("studio-mask", (img) => { mask = img; });
  if (canvas.dataset.layer) loadImage(canvas.dataset.layer, (img) => { layer = layer || img; paint(); });
  if (canvas.dataset.mask) loadImage(canvas.dataset.mask, (img) => { mask = mask || img; paint(); });
  form.addEventListener("submit", () => { input.value = JSON.stringify(steps); });
  loadImage(canvas.dataset.seed, (img) => { seed = img; sync(); paint(); });
})();
