// Symlink scan page: ticking findings, and the dialog that lists what a deletion removes.
// Plain script loaded by views/partials/symlinks/tabs.eta; the list itself is server-rendered.
(() => {
  const rowBoxes = () => document.querySelectorAll("input[name='ids'][form='symlinks-select']");

  function updateSelection() {
    const boxes = [...rowBoxes()];
    const checked = boxes.filter((b) => b.checked).length;
    const counter = document.getElementById("symlinks-selected");
    if (counter) counter.textContent = checked ? `${checked} selected` : "";
    const button = document.getElementById("symlinks-act-selected");
    if (button) button.disabled = checked === 0;
    const page = document.getElementById("symlinks-select-page");
    if (page) {
      page.checked = checked > 0 && checked === boxes.length;
      page.indeterminate = checked > 0 && checked < boxes.length;
    }
  }
  document.addEventListener("change", (e) => {
    if (e.target.id === "symlinks-select-page") for (const box of rowBoxes()) box.checked = e.target.checked;
    if (e.target.id === "symlinks-select-page" || e.target.getAttribute("form") === "symlinks-select")
      updateSelection();
  });

  // The plan arrives in #symlinks-plan: show it as a modal with Cancel focused, so Enter never deletes.
  function openPlan() {
    const dialog = document.getElementById("symlinks-plan-dialog");
    if (!dialog || typeof dialog.showModal !== "function") return;
    // removeAttribute, not close(): close() would fire the "close" that removes the dialog.
    if (dialog.open) dialog.removeAttribute("open");
    dialog.showModal();
    document.getElementById("symlinks-plan-cancel")?.focus();
    dialog.addEventListener("close", () => dialog.remove(), { once: true });
  }
  document.body.addEventListener("htmx:afterSettle", (e) => {
    if (e.detail.target?.id === "symlinks-plan") openPlan();
    updateSelection();
  });
  updateSelection();
  // Without htmx the plan came with the page (already open, but not modal): make it modal.
  openPlan();
})();
