// Assessment pages: ask before a state change that is hard to undo. A form (or the button that
// submits it) carries the question in data-confirm. Loaded as a file: the Content-Security-Policy
// forbids inline scripts.
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const question = (button && button.dataset.confirm) || event.target.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
