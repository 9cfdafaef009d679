// Copy buttons: <button type="button" data-copy="text to copy">…</button>
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const label = button.getAttribute("aria-label") || "";
  try {
    await navigator.clipboard.writeText(button.dataset.copy);
    button.dataset.copied = "true";
    button.setAttribute("aria-label", "Copied");
  } catch {
    button.dataset.copied = "false";
    button.setAttribute("aria-label", "Copy failed: select the text instead");
  }
  setTimeout(() => {
    delete button.dataset.copied;
    button.setAttribute("aria-label", label);
  }, 1500);
});
