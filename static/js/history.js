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

  // A search's page comes before its counts: fetch them and put them in place, keeping any
  // status boxes ticked meanwhile.
  const cards = document.querySelector("[data-counts-url]");
  if (cards) {
    fetch(cards.dataset.countsUrl, { credentials: "same-origin" })
      .then((response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.text();
      })
      .then((html) => {
        const counted = new DOMParser().parseFromString(html, "text/html");
        // A session that ended meanwhile answers with the login page instead.
        if (!counted.getElementById("cards")) throw new Error("no counts in the answer");
        const ticked = new Set(
          [...document.querySelectorAll("#status-options input:checked")].map((box) => box.value),
        );
        ["cards", "chart", "status-options"].forEach((id) => {
          const fresh = counted.getElementById(id);
          const stale = document.getElementById(id);
          if (fresh && stale) stale.replaceWith(document.adoptNode(fresh));
        });
        document.querySelectorAll("#status-options input[name=status]").forEach((box) => {
          box.checked = ticked.has(box.value);
        });
        const stat = (name) => document.querySelector(`[data-stat=${name}]`)?.textContent;
        const status = document.querySelector("[data-counts-status]");
        if (status) status.textContent = `Counted: ${stat("total")} syncs, ${stat("failed")} failed.`;
      })
      .catch(() => {
        const note = document.querySelector("[data-counts-note]");
        cards.removeAttribute("aria-busy");
        if (!note) return;
        note.setAttribute("role", "alert");
        note.textContent = "The counts could not be loaded. ";
        const link = document.createElement("a");
        link.href = cards.dataset.countsNow;
        link.textContent = "Count them with the page";
        note.append(link);
      });
  }

  // A click anywhere on a row opens the sync, like the link in its Sync ID cell.
  document.querySelectorAll("tr.clickable").forEach((row) => {
    row.addEventListener("click", (event) => {
      if (event.target.closest("a, button, input, label")) return;
      const link = row.querySelector("a.row-link");
      if (link) window.location.assign(link.href);
    });
  });
})();
