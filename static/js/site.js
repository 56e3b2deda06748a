// Behaviour shared by every page. Loaded as a file: the Content-Security-Policy forbids inline
// scripts.
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.classList.contains("js-autosubmit")) {
    target.form.submit();
  }
});
