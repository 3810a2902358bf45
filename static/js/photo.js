/* Photo check: keep the chosen file in the page, draw areas to blur with mouse, pen or
 * finger (Pointer Events), or add them by numbers. Plain JS, no libraries, no requests
 * to anywhere but this portal.
 *
 * The textarea "Areas to blur" is the single source of truth: one X,Y,W,H per line, in
 * pixels of the upright original. Drawing and the number inputs add lines to it; the
 * boxes on the photo and the list below it are redrawn from it.
 */
(function () {
  "use strict";

  var form = document.getElementById("photo-form");
  if (!form || !window.fetch || !window.FormData || !window.DOMParser) {
    return;  // the plain form still works: the server renders every step
  }
  var MIN_DRAG = 6;  // CSS pixels; a smaller drag is a tap, not a rectangle
  var chosenFace = null;  // the face's select whose choice sent this update

  // Both steps without leaving the page, so the browser keeps the file: the preview and
  // any error replace parts of the page; the cleaned photo arrives as a download.
  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (!submitter || !submitter.value) {
      return;  // an old browser: the plain round trip still works
    }
    event.preventDefault();
    var data = new FormData(form);
    data.set("action", submitter.value);
    submitter.disabled = true;
    form.setAttribute("aria-busy", "true");
    // form.getAttribute, not form.action: the buttons named "action" shadow that property.
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: {"X-Requested-With": "fetch"},
      redirect: "manual"
    }).then(function (response) {
      if (response.type === "opaqueredirect") {
        // the session ended: this page again goes to the login page (back here after it),
        // which says that what was sent was not saved. Not followed by fetch: that read
        // the login page, and its message with it, before the person saw it.
        window.location.assign(window.location.href);
        return;
      }
      var type = response.headers.get("Content-Type") || "";
      if (response.ok && type.indexOf("image/") === 0) {
        return response.blob().then(function (blob) { save(blob, response); });
      }
      return response.text().then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        if (!page.getElementById("photo-errors")) {
          // not this page (the expired-form page after a login in another tab, "try
          // again"): the plain round trip shows it, as without scripts
          plainSubmit(submitter);
          return;
        }
        showPage(page, submitter.value, response.status);
      });
    }).catch(function () {
      plainSubmit(submitter);  // network trouble: fall back to the plain round trip
    }).then(function () {
      submitter.disabled = false;
      form.removeAttribute("aria-busy");
    });
  });

  function save(blob, response) {
    var match = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = match ? match[1] : "photo.jpg";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
    document.getElementById("photo-errors").textContent = "";
  }

  // The focus goes to what the step said: an error, else after a preview its verdict
  // (above step 2's heading, and a status region new in the page, which a screen reader
  // does not read out by itself), else after "Show the result" the result.
  function plainSubmit(submitter) {
    var action = document.createElement("input");  // form.submit() sends no button
    action.type = "hidden";
    action.name = "action";
    action.value = submitter.value;
    form.appendChild(action);
    form.submit();
  }

  function showPage(page, action, status) {
    swap("photo-errors", page);
    swap("photo-step2", page);
    if (status === 404) {
      // a ticked pupil is no longer the teacher's (moved to another group meanwhile): the
      // list as it is now, nothing ticked; the chosen file and channel stay in the page
      swap("photo-pupils", page);
    }
    setUp();
    var errors = document.querySelector("#photo-errors [role=alert]");
    var face = action === "update" && chosenFace;
    chosenFace = null;
    if (face && !errors) {
      // a choice in a face's list: the focus stays in that list (the page was swapped in
      // under it), so arrow keys go on choosing; the result below is updated
      var again = form.querySelector('select[name="' + face + '"]');
      if (again) { again.focus(); return; }
    }
    var target = errors ? document.getElementById("photo-errors")
      : action === "preview" && document.querySelector("#photo-step2 .photo-verdict")
      || document.getElementById(action === "update" ? "photo-result-title" : "photo-step2-title");
    if (target) {
      if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
      target.focus();
    }
  }

  function swap(id, page) {
    var mine = document.getElementById(id);
    var theirs = page.querySelector("#" + id);
    if (mine && theirs) {
      mine.replaceWith(document.importNode(theirs, true));
    }
  }

  // Another photo makes the preview and its areas stale: ask for a new preview.
  form.querySelector("input[type=file]").addEventListener("change", function () {
    document.getElementById("photo-step2").textContent = "";
  });

  function setUp() {
    var stage = form.querySelector(".photo-stage");
    var textarea = form.querySelector("textarea[name=rectangles]");
    if (!stage || !textarea) {
      return;
    }
    form.querySelectorAll("[data-photo-nojs]").forEach(function (note) { note.remove(); });
    var keyboard = form.querySelector(".photo-keyboard");
    keyboard.hidden = false;
    var list = form.querySelector(".photo-box-list");
    var itemTemplate = document.getElementById("photo-box-item");
    var width = Number(stage.dataset.width);
    var height = Number(stage.dataset.height);

    function parse() {
      return textarea.value.split(/[\n;]/).map(function (line) {
        var parts = line.split(",").map(function (part) { return Number(part.trim()); });
        if (parts.length !== 4 || !parts.every(Number.isInteger) || parts[2] <= 0 || parts[3] <= 0) {
          return null;
        }
        return {x: parts[0], y: parts[1], w: parts[2], h: parts[3]};
      }).filter(Boolean);
    }

    function write(rects) {
      textarea.value = rects.map(function (r) { return [r.x, r.y, r.w, r.h].join(","); }).join("\n");
      render();
    }

    function clip(r) {
      var left = Math.max(0, Math.min(r.x, width)), top = Math.max(0, Math.min(r.y, height));
      var right = Math.max(0, Math.min(r.x + r.w, width)), bottom = Math.max(0, Math.min(r.y + r.h, height));
      return {x: left, y: top, w: right - left, h: bottom - top};
    }

    function place(box, r) {
      box.style.left = (100 * r.x / width) + "%";
      box.style.top = (100 * r.y / height) + "%";
      box.style.width = (100 * r.w / width) + "%";
      box.style.height = (100 * r.h / height) + "%";
    }

    function render() {
      stage.querySelectorAll(".photo-box").forEach(function (box) { box.remove(); });
      list.textContent = "";
      parse().forEach(function (r, index) {
        var box = document.createElement("div");
        box.className = "photo-box";
        box.textContent = String(index + 1);
        place(box, clip(r));
        stage.appendChild(box);
        var item = itemTemplate.content.firstElementChild.cloneNode(true);
        item.querySelector("[data-photo-box-text]").textContent = [r.x, r.y, r.w, r.h].join(",");
        item.querySelector("[data-photo-remove]").addEventListener("click", function () {
          var rects = parse();
          rects.splice(index, 1);
          write(rects);
        });
        list.appendChild(item);
      });
    }

    function add(r) {
      var clipped = clip(r);
      if (clipped.w > 0 && clipped.h > 0) {
        write(parse().concat([clipped]));
      }
    }

    // Drawing: positions in the displayed photo, converted to original pixels.
    var start = null, drawing = null;
    function toOriginal(event) {
      var bounds = stage.getBoundingClientRect();
      return {
        x: Math.round((event.clientX - bounds.left) * width / bounds.width),
        y: Math.round((event.clientY - bounds.top) * height / bounds.height),
        cssX: event.clientX, cssY: event.clientY
      };
    }
    function spanned(a, b) {
      return {x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), w: Math.abs(a.x - b.x), h: Math.abs(a.y - b.y)};
    }
    stage.addEventListener("pointerdown", function (event) {
      if (event.button !== 0 || event.target.closest("a")) { return; }  // a face's number
      event.preventDefault();
      stage.setPointerCapture(event.pointerId);
      start = toOriginal(event);
      drawing = document.createElement("div");
      drawing.className = "photo-box photo-box--drawing";
      stage.appendChild(drawing);
    });
    stage.addEventListener("pointermove", function (event) {
      if (start) { place(drawing, clip(spanned(start, toOriginal(event)))); }
    });
    function finish(event, keep) {
      if (!start) { return; }
      var end = toOriginal(event);
      var big = Math.abs(end.cssX - start.cssX) >= MIN_DRAG && Math.abs(end.cssY - start.cssY) >= MIN_DRAG;
      drawing.remove();
      if (keep && big) { add(spanned(start, end)); }
      start = drawing = null;
    }
    stage.addEventListener("pointerup", function (event) { finish(event, true); });
    stage.addEventListener("pointercancel", function (event) { finish(event, false); });

    // Keyboard and screen readers: numbers and an "Add area" button.
    keyboard.querySelector("[data-photo-add]").addEventListener("click", function () {
      var value = {};
      keyboard.querySelectorAll("[data-photo-number]").forEach(function (input) {
        value[input.dataset.photoNumber] = Number(input.value);
      });
      if ([value.x, value.y, value.w, value.h].every(Number.isInteger) && value.w > 0 && value.h > 0) {
        add(value);
        keyboard.querySelectorAll("[data-photo-number]").forEach(function (input) { input.value = ""; });
      }
    });
    // Enter in a number field adds the area instead of submitting the form.
    keyboard.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target.matches("[data-photo-number]")) {
        event.preventDefault();
        keyboard.querySelector("[data-photo-add]").click();
      }
    });
    textarea.addEventListener("input", render);
    render();

    // Choosing a pupil for a face shows the new result at once.
    var update = form.querySelector("button[value=update]");
    form.querySelectorAll(".photo-face select").forEach(function (select) {
      select.addEventListener("change", function () {
        chosenFace = select.name;
        if (update && form.requestSubmit) { form.requestSubmit(update); }
      });
    });
  }

  setUp();
})();
