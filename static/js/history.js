// The history works without script; this only adds conveniences.
(() => {
  // Date-range times are read in the browser's zone unless the link already names one.
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const zoneInput = document.querySelector("[data-browser-zone]");
  if (zoneInput && !zoneInput.value && zone) {
    zoneInput.value = zone;
    document.querySelectorAll("[data-zone-name]").forEach((node) => { node.textContent = zone; });
  }

  // Picking a custom From/To switches the preset to "Custom range".
  const range = document.getElementById("range");
  document.querySelectorAll(".custom-range input").forEach((input) => {
    input.addEventListener("change", () => { if (range) range.value = "custom"; });
  });

  // A click anywhere on a row opens the sync, like the link in its Sync ID cell.
  document.querySelectorAll("tr.clickable").forEach((row) => {
    row.addEventListener("click", (event) => {
      if (event.target.closest("a, button, input, label")) return;
      const link = row.querySelector("a.row-link");
      if (link) window.location.assign(link.href);
    });
  });
})();
