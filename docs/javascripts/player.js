// Frame players made by docs/snippets/docs_helpers.py (`animation`): one inline
// SVG figure per frame; show one at a time, advancing on a timer, with
// previous/next and play/pause buttons. Without this script every frame shows.
function setUpPlayers() {
  document.querySelectorAll(".symconv-player:not([data-ready])").forEach((player) => {
    player.dataset.ready = "1";
    const frames = [...player.querySelectorAll(":scope > .symconv-figure")];
    const count = player.querySelector(".symconv-player-count");
    const play = player.querySelector("[data-play]");
    let current = 0;
    let timer = null;
    const show = (i) => {
      current = (i + frames.length) % frames.length;
      frames.forEach((frame, j) => { frame.hidden = j !== current; });
      count.textContent = `${current + 1} / ${frames.length}`;
    };
    const start = () => {
      timer = setInterval(() => show(current + 1), Number(player.dataset.interval) || 900);
      play.innerHTML = "&#10074;&#10074;";
      play.setAttribute("aria-label", "pause");
    };
    const stop = () => {
      clearInterval(timer);
      timer = null;
      play.innerHTML = "&#9654;&#9654;";
      play.setAttribute("aria-label", "play");
    };
    player.querySelectorAll("[data-step]").forEach((button) => {
      button.addEventListener("click", () => { stop(); show(current + Number(button.dataset.step)); });
    });
    play.addEventListener("click", () => (timer ? stop() : start()));
    show(0);
    if (!window.matchMedia("(prefers-reduced-motion: reduce)").matches) start();
  });
}
if (typeof document$ !== "undefined") document$.subscribe(setUpPlayers);
else document.addEventListener("DOMContentLoaded", setUpPlayers);
