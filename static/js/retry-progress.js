// The retry progress panel is rendered with the state at page load; this keeps it current
// while the retry runs. It polls only while the tab is visible, since nobody is watching a
// hidden one, and stops for good once the retry has finished.
const POLL_MS = 1500;

document.querySelectorAll("[data-retry-progress]").forEach((panel) => {
  const url = panel.dataset.retryProgress;
  const bar = panel.querySelector("progress");
  let timer = null;
  let finished = false;

  const show = (name, visible) => {
    panel.querySelectorAll(`[data-show="${name}"]`).forEach((el) => {
      el.hidden = !visible;
    });
  };

  const render = (state) => {
    bar.max = Math.max(state.total, 1);
    bar.value = state.done;
    bar.textContent = `${state.percent}%`;
    for (const [name, value] of Object.entries(state)) {
      panel.querySelectorAll(`[data-field="${name}"]`).forEach((el) => {
        el.textContent = value;
      });
    }
    show("waiting", state.waiting_for_queue);
    show("finished", state.finished);
    show("failing", state.finished && state.failed > 0);
  };

  const schedule = () => {
    if (!finished && timer === null && document.visibilityState === "visible") {
      timer = window.setTimeout(poll, POLL_MS);
    }
  };

  const poll = async () => {
    timer = null;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const state = await response.json();
        render(state);
        finished = state.finished;
        // The list and the button below were rendered before the retry ended.
        show("reload", finished);
      }
    } catch (error) {
      // A dropped connection is retried on the next tick, as a page reload would.
    }
    schedule();
  };

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      schedule();
    } else if (timer !== null) {
      window.clearTimeout(timer);
      timer = null;
    }
  });
  schedule();
});
