// The verification queue: a checkbox in the header selects every record of the page. Loaded as
// a file: the Content-Security-Policy forbids inline scripts.
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLInputElement && target.id === "select-all") {
    for (const box of target.form.querySelectorAll("input.js-record")) {
      box.checked = target.checked;
    }
  }
});
