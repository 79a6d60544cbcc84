// Redriva web UI behaviour: toasts, confirmations, copy buttons, bulk selection, live sync console.
// Plain script, no build step, no CDN; everything else is htmx attributes in the templates.
// Server text is only ever inserted with textContent, never as HTML.
(() => {
  // ---- toasts ---------------------------------------------------------------------------------
  function toast(level, message) {
    const box = document.getElementById("toasts");
    if (!box || !message) return;
    const el = document.createElement("div");
    el.className = `toast toast-${level || "info"}`;
    el.setAttribute("role", level === "error" ? "alert" : "status");
    el.textContent = message;
    box.appendChild(el);
    setTimeout(() => el.remove(), level === "error" ? 9000 : 5000);
  }
  window.redrivaToast = toast;

  // Servers send `HX-Trigger: {"toast": {"level": "ok", "message": "..."}}`.
  document.body.addEventListener("toast", (e) => toast(e.detail.level, e.detail.message));

  // htmx does not swap 4xx/5xx answers: show their text instead of failing silently.
  document.body.addEventListener("htmx:responseError", (e) => {
    const xhr = e.detail.xhr;
    let message = (xhr.responseText || "").trim();
    if (xhr.getResponseHeader("content-type")?.includes("json")) {
      try {
        message = JSON.parse(message).error.message;
      } catch {
        // keep the raw text
      }
    } else if (message.startsWith("<")) {
      const doc = new DOMParser().parseFromString(message, "text/html");
      message = doc.querySelector(".error-page p:not(.code)")?.textContent || doc.body.textContent || "";
    }
    toast("error", message.slice(0, 400) || `Request failed (${xhr.status})`);
  });
  document.body.addEventListener("htmx:sendError", () =>
    toast("error", "Redriva did not answer: is it running?"),
  );

  // ---- confirmations --------------------------------------------------------------------------
  const dialog = document.getElementById("confirm-dialog");
  function confirmDialog(question) {
    if (!dialog || typeof dialog.showModal !== "function") return Promise.resolve(window.confirm(question));
    document.getElementById("confirm-message").textContent = question;
    dialog.showModal();
    return new Promise((resolve) => {
      const done = (ok) => {
        dialog.close();
        okButton.removeEventListener("click", onOk);
        cancelButton.removeEventListener("click", onCancel);
        dialog.removeEventListener("cancel", onCancel);
        resolve(ok);
      };
      const okButton = document.getElementById("confirm-ok");
      const cancelButton = document.getElementById("confirm-cancel");
      const onOk = () => done(true);
      const onCancel = () => done(false);
      okButton.addEventListener("click", onOk);
      cancelButton.addEventListener("click", onCancel);
      dialog.addEventListener("cancel", onCancel);
      // Cancel has the focus: Enter or Space right after the click never runs the action.
      cancelButton.focus();
    });
  }
  // htmx reads hx-confirm from the element that posts (the form), so a form with several
  // submit buttons carries each question on its button as data-confirm.
  document.body.addEventListener("htmx:confirm", (e) => {
    const submitter = e.detail.triggeringEvent?.submitter;
    const question = e.detail.question || submitter?.getAttribute("data-confirm");
    if (!question) return;
    e.preventDefault();
    confirmDialog(question).then((ok) => ok && e.detail.issueRequest(true));
  });
  // Plain forms (no htmx) ask too.
  document.addEventListener("submit", (e) => {
    const form = e.target;
    if (form.hasAttribute("hx-post")) return; // htmx asks through htmx:confirm
    const question = form.getAttribute("data-confirm") || e.submitter?.getAttribute("data-confirm");
    if (!question || form.dataset.confirmed) return;
    e.preventDefault();
    confirmDialog(question).then((ok) => {
      if (!ok) return;
      form.dataset.confirmed = "1";
      form.requestSubmit(e.submitter || undefined);
    });
  });

  // ---- small screens: the nav folds behind a Menu button ----------------------------------------
  const navToggle = document.querySelector(".nav-toggle");
  navToggle?.addEventListener("click", () => {
    const open = navToggle.getAttribute("aria-expanded") !== "true";
    navToggle.setAttribute("aria-expanded", String(open));
    navToggle.closest(".topnav")?.classList.toggle("open", open);
  });

  // A table that scrolls inside its own box must be reachable with the keyboard (WCAG 2.1.1).
  function focusableScrollBoxes() {
    for (const box of document.querySelectorAll(".table-wrap, main table")) {
      if (box.scrollWidth > box.clientWidth) box.tabIndex = 0;
      else box.removeAttribute("tabindex");
    }
  }
  focusableScrollBoxes();
  window.addEventListener("resize", focusableScrollBoxes);
  document.body.addEventListener("htmx:afterSettle", focusableScrollBoxes);

  // ---- copy to clipboard ------------------------------------------------------------------------
  async function copyText(text) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Plain HTTP on another machine has no clipboard API: fall back to a selection copy.
      const area = document.createElement("textarea");
      area.value = text;
      document.body.appendChild(area);
      area.select();
      const ok = document.execCommand("copy");
      area.remove();
      return ok;
    }
  }
  document.addEventListener("click", (e) => {
    const button = e.target.closest("[data-copy], [data-copy-from]");
    if (!button) return;
    const source = button.getAttribute("data-copy-from");
    const text = source
      ? document.querySelector(source)?.value || document.querySelector(source)?.textContent
      : button.getAttribute("data-copy");
    copyText(text || "").then((ok) =>
      toast(ok ? "ok" : "error", ok ? "Copied to the clipboard" : "Could not copy"),
    );
  });

  // ---- bulk selection on the torrent list -------------------------------------------------------
  function updateBulk() {
    const boxes = document.querySelectorAll("input[name='ids'][form='bulk']");
    const checked = [...boxes].filter((b) => b.checked).length;
    const counter = document.getElementById("bulk-count");
    if (counter) counter.textContent = checked ? `${checked} selected` : "";
    for (const button of document.querySelectorAll("#bulk button")) button.disabled = checked === 0;
    const all = document.getElementById("select-all");
    if (all) all.checked = checked > 0 && checked === boxes.length;
  }
  document.addEventListener("change", (e) => {
    if (e.target.id === "select-all") {
      for (const box of document.querySelectorAll("input[name='ids'][form='bulk']"))
        box.checked = e.target.checked;
    }
    if (e.target.id === "select-all" || e.target.name === "ids") updateBulk();
  });
  document.body.addEventListener("htmx:afterSettle", updateBulk);

  // ---- the torrent list's column chooser (remembered in this browser) ---------------------------
  // A phone keeps its own choice, host, files and links off by default: its cards stay short.
  const phone = window.matchMedia("(max-width: 720px)");
  const columnsKey = () => (phone.matches ? "redriva.hiddenColumns.phone" : "redriva.hiddenColumns");
  let hiddenColumns = [];
  function loadColumns() {
    hiddenColumns = phone.matches ? ["host", "files", "links"] : [];
    try {
      const saved = JSON.parse(localStorage.getItem(columnsKey()) || "null");
      if (Array.isArray(saved)) hiddenColumns = saved;
    } catch {
      // Nothing saved, or storage refused: the default columns show.
    }
  }
  loadColumns();
  function applyColumns() {
    const list = document.getElementById("torrent-list");
    if (!list) return;
    for (const box of document.querySelectorAll("input[data-column]")) {
      const key = box.getAttribute("data-column");
      box.checked = !hiddenColumns.includes(key);
      list.classList.toggle(`hide-${key}`, hiddenColumns.includes(key));
    }
  }
  document.addEventListener("change", (e) => {
    const key = e.target.getAttribute?.("data-column");
    if (!key) return;
    hiddenColumns = hiddenColumns.filter((k) => k !== key);
    if (!e.target.checked) hiddenColumns.push(key);
    try {
      localStorage.setItem(columnsKey(), JSON.stringify(hiddenColumns));
    } catch {
      // Private mode: the choice lasts for this page only.
    }
    applyColumns();
  });
  phone.addEventListener("change", () => {
    loadColumns();
    applyColumns();
  });
  applyColumns();

  // ---- the torrent list's cut names and reasons: the full text as a tooltip ------------------
  // Set on hover or focus, and only where the cell cuts the text: the rows carry no title copies.
  function titleIfCut(e) {
    const el = e.target.closest?.("table.torrents td.name a, table.torrents .reason");
    if (!el) return;
    if (el.scrollWidth > el.clientWidth) el.title = el.textContent;
    else el.removeAttribute("title");
  }
  document.addEventListener("mouseover", titleIfCut);
  document.addEventListener("focusin", titleIfCut);

  // ---- live sync console ------------------------------------------------------------------------
  function startConsole(root) {
    const output = root.querySelector(".console");
    const autoScroll = root.querySelector("#console-autoscroll");
    const bar = root.querySelector(".sync-progress");
    let lastId = 0;
    const time = (at) => new Date(at).toLocaleTimeString("en-GB", { hour12: false });
    function line(text, cls, at, clock) {
      root.querySelector(".console .placeholder")?.remove();
      const el = document.createElement("div");
      el.className = `line ${cls || ""}`;
      const stamp = document.createElement("time");
      // The server's clock words (configured zone, 24-hour); the browser's only for local lines.
      stamp.textContent = clock || time(at || Date.now());
      el.append(stamp, document.createTextNode(text));
      output.appendChild(el);
      while (output.children.length > 1000) output.firstElementChild.remove();
      if (!autoScroll || autoScroll.checked) output.scrollTop = output.scrollHeight;
    }
    function setRunning(running) {
      root.dataset.running = running ? "1" : "";
      for (const b of document.querySelectorAll(".sync-actions button")) b.disabled = running;
      document.getElementById("sync-stop")?.classList.toggle("hidden", !running);
      if (!running && bar) bar.classList.add("hidden");
    }
    root.querySelector("#console-clear")?.addEventListener("click", () => {
      output.replaceChildren();
    });
    const source = new EventSource("/sync/events");
    const handle = (type) => (e) => {
      const id = Number(e.lastEventId || 0);
      if (id && id <= lastId) return;
      lastId = id;
      const data = JSON.parse(e.data);
      if (type === "log") line(data.line, data.level, data.at, data.clock);
      // The sync logs its own "started" line; the start event only flips the buttons.
      if (type === "start") setRunning(true);
      if (type === "progress" && bar) {
        bar.classList.remove("hidden");
        const pct = data.total > 0 ? Math.round((data.done / data.total) * 100) : 0;
        bar.querySelector(".bar > span").style.width = `${pct}%`;
        const eta = data.etaText ? ` · about ${data.etaText} left` : "";
        bar.querySelector(".label").textContent =
          `${data.phase}: ${data.doneText ?? data.done} / ${data.totalText ?? data.total}${eta}`;
      }
      if (type === "end") {
        setRunning(false);
        const ok = data.status === "succeeded";
        const text = ok
          ? `Sync ${data.mode} finished`
          : `Sync ${data.mode} ${data.status}${data.error ? `: ${data.error}` : ""}`;
        line(`■ ${text}`, ok ? "end" : "error", data.at, data.clock);
        if (data.live) {
          toast(ok ? "ok" : data.status === "interrupted" ? "warn" : "error", text);
          htmx.trigger(document.body, "sync-ended");
        }
      }
    };
    for (const type of ["log", "start", "progress", "end"]) source.addEventListener(type, handle(type));
    source.addEventListener("state", (e) => setRunning(JSON.parse(e.data).running));
    source.onerror = () => root.classList.add("disconnected");
    source.onopen = () => root.classList.remove("disconnected");
    window.addEventListener("beforeunload", () => source.close());
  }
  const consoleRoot = document.getElementById("activity");
  if (consoleRoot) startConsole(consoleRoot);
})();
