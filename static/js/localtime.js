// Server-rendered times are UTC; show them in the reader's own time zone, keeping UTC in
// the tooltip so a time read out over the phone is never ambiguous.
(() => {
  const format = new Intl.DateTimeFormat("en-GB", {
    day: "2-digit", month: "short", year: "numeric",
    hour: "2-digit", minute: "2-digit", second: "2-digit",
    hourCycle: "h23", timeZoneName: "short",
  });
  // "26 Nov 2026 22:06:41 GMT", the Portal's day-first order with the zone spelled out.
  const text = (moment) => {
    const part = Object.fromEntries(format.formatToParts(moment).map((p) => [p.type, p.value]));
    return `${part.day} ${part.month} ${part.year} ${part.hour}:${part.minute}:${part.second} ${part.timeZoneName}`;
  };
  const localise = (root) => {
    root.querySelectorAll("time[data-local]").forEach((node) => {
      const moment = new Date(node.getAttribute("datetime"));
      if (Number.isNaN(moment.getTime())) return;
      node.title = node.dataset.utc || node.textContent;
      node.textContent = text(moment);
      node.removeAttribute("data-local");
    });
  };
  localise(document);
  window.localiseTimes = localise;
})();
